package hubvalues

import (
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Where the hub is reached on the network: the proxy Service's static IP and
// annotations (proxy.service), and the ACME server Let's Encrypt mode asks
// for certificates (proxy.https.letsencrypt.acmeServer, in exposure.go's
// HTTPS).

func renderProxyService(h *Hub, b *builder) {
	if h.ProxyLoadBalancerIP != "" {
		b.set(AttrPath{"proxy_load_balancer_ip"}, h.ProxyLoadBalancerIP, "proxy", "service", "loadBalancerIP")
	}
	if len(h.ProxyServiceAnnotations) > 0 {
		b.set(AttrPath{"proxy_service_annotations"}, stringMap(h.ProxyServiceAnnotations), "proxy", "service", "annotations")
	}
}

func parseProxyService(v Values, h *Hub) {
	h.ProxyLoadBalancerIP, _ = lookupString(v, "proxy", "service", "loadBalancerIP")
	if ann, ok := lookupMap(v, "proxy", "service", "annotations"); ok && len(ann) > 0 {
		h.ProxyServiceAnnotations = toStringMap(ann)
	}
}

func checkProxyServiceFields(h Hub, ps *problems) {
	ps.field(AttrPath{"proxy_load_balancer_ip"}, h.ProxyLoadBalancerIP, validate.IPAddress)
	for k := range h.ProxyServiceAnnotations {
		ps.field(AttrPath{"proxy_service_annotations"}, k, validate.AnnotationKey)
	}
	if h.HTTPS != nil {
		ps.field(AttrPath{"https", "acme_server"}, h.HTTPS.ACMEServer, validate.ACMEServer)
	}
}

func checkProxyService(h Hub, ps *problems) {
	if t := h.ProxyServiceType; t != "" && t != "LoadBalancer" && h.ProxyLoadBalancerIP != "" {
		ps.add(AttrPath{"proxy_load_balancer_ip"}, "Setting not used",
			"`proxy_load_balancer_ip` is the address of a LoadBalancer Service, but `proxy_service_type` is %q: remove one of them.", t)
	}
	if h.HTTPS != nil && h.HTTPS.ACMEServer != "" && h.HTTPS.Mode != HTTPSLetsEncrypt {
		ps.add(AttrPath{"https", "acme_server"}, "Setting not used", "`acme_server` is only used with mode \"letsencrypt\".")
	}
}
