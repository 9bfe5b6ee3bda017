package hubvalues

import "github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"

// How people reach the hub: domain, HTTPS by the proxy or an ingress, and
// the proxy's Service type.

// HTTPS modes, as z2jh's proxy.https.type.
const (
	HTTPSLetsEncrypt = "letsencrypt"
	HTTPSSecret      = "secret"
	HTTPSOffload     = "offload"
)

// HTTPS is TLS terminated by the hub's proxy (or, with offload, before it).
type HTTPS struct {
	Mode         string `json:"mode"`
	ContactEmail string `json:"contact_email,omitempty"` // letsencrypt
	SecretName   string `json:"secret_name,omitempty"`   // secret: an existing kubernetes.io/tls Secret
	ACMEServer   string `json:"acme_server,omitempty"`   // letsencrypt: default Let's Encrypt's production server
}

// Ingress exposes the hub through an ingress controller instead.
type Ingress struct {
	ClassName     string            `json:"class_name,omitempty"`
	Annotations   map[string]string `json:"annotations"`
	TLSSecretName string            `json:"tls_secret_name,omitempty"`
}

func renderExposure(h *Hub, b *builder) {
	if h.HTTPS != nil {
		a := AttrPath{"https"}
		b.set(a, true, "proxy", "https", "enabled")
		b.set(a, h.HTTPS.Mode, "proxy", "https", "type")
		b.set(AttrPath{"domain"}, []any{h.Domain}, "proxy", "https", "hosts")
		switch h.HTTPS.Mode {
		case HTTPSLetsEncrypt:
			b.set(AttrPath{"https", "contact_email"}, h.HTTPS.ContactEmail, "proxy", "https", "letsencrypt", "contactEmail")
			if h.HTTPS.ACMEServer != "" {
				b.set(AttrPath{"https", "acme_server"}, h.HTTPS.ACMEServer, "proxy", "https", "letsencrypt", "acmeServer")
			}
		case HTTPSSecret:
			b.set(AttrPath{"https", "secret_name"}, h.HTTPS.SecretName, "proxy", "https", "secret", "name")
		}
	}
	if h.Ingress != nil {
		b.set(AttrPath{"ingress"}, true, "ingress", "enabled")
		b.set(AttrPath{"domain"}, []any{h.Domain}, "ingress", "hosts")
		if h.Ingress.ClassName != "" {
			b.set(AttrPath{"ingress", "class_name"}, h.Ingress.ClassName, "ingress", "ingressClassName")
		}
		if len(h.Ingress.Annotations) > 0 {
			b.set(AttrPath{"ingress", "annotations"}, stringMap(h.Ingress.Annotations), "ingress", "annotations")
		}
		if h.Ingress.TLSSecretName != "" {
			b.set(AttrPath{"ingress", "tls_secret_name"}, []any{map[string]any{
				"hosts": []any{h.Domain}, "secretName": h.Ingress.TLSSecretName,
			}}, "ingress", "tls")
		}
	}
}

func parseExposure(v Values, h *Hub) {
	if enabled, _ := lookup(v, "proxy", "https", "enabled"); enabled == true {
		mode, _ := lookupString(v, "proxy", "https", "type")
		hosts, _ := lookup(v, "proxy", "https", "hosts")
		if domain, ok := singleString(hosts); ok {
			h.Domain = domain
			h.HTTPS = &HTTPS{Mode: mode}
			h.HTTPS.ContactEmail, _ = lookupString(v, "proxy", "https", "letsencrypt", "contactEmail")
			h.HTTPS.SecretName, _ = lookupString(v, "proxy", "https", "secret", "name")
			h.HTTPS.ACMEServer, _ = lookupString(v, "proxy", "https", "letsencrypt", "acmeServer")
			if mode != HTTPSLetsEncrypt {
				h.HTTPS.ContactEmail, h.HTTPS.ACMEServer = "", ""
			}
			if mode != HTTPSSecret {
				h.HTTPS.SecretName = ""
			}
		}
	}
	if enabled, _ := lookup(v, "ingress", "enabled"); enabled == true {
		hosts, _ := lookup(v, "ingress", "hosts")
		domain, ok := singleString(hosts)
		if !ok || (h.Domain != "" && h.Domain != domain) {
			return
		}
		h.Domain = domain
		h.Ingress = &Ingress{}
		h.Ingress.ClassName, _ = lookupString(v, "ingress", "ingressClassName")
		if ann, ok := lookupMap(v, "ingress", "annotations"); ok && len(ann) > 0 {
			h.Ingress.Annotations = toStringMap(ann)
		}
		if tls, ok := lookup(v, "ingress", "tls"); ok {
			if list, ok := tls.([]any); ok && len(list) == 1 {
				if entry, ok := list[0].(map[string]any); ok {
					h.Ingress.TLSSecretName, _ = entry["secretName"].(string)
				}
			}
		}
	}
}

func renderProxyServiceType(h *Hub, b *builder) {
	if h.ProxyServiceType != "" {
		b.set(AttrPath{"proxy_service_type"}, h.ProxyServiceType, "proxy", "service", "type")
	}
}

func parseProxyServiceType(v Values, h *Hub) {
	h.ProxyServiceType, _ = lookupString(v, "proxy", "service", "type")
}

func checkExposureFields(h Hub, ps *problems) {
	ps.field(AttrPath{"domain"}, h.Domain, validate.DNSName)
	if h.HTTPS != nil {
		ps.field(AttrPath{"https", "contact_email"}, h.HTTPS.ContactEmail, validate.Email)
		ps.field(AttrPath{"https", "secret_name"}, h.HTTPS.SecretName, validate.ObjectName)
	}
	if h.Ingress != nil {
		ps.field(AttrPath{"ingress", "class_name"}, h.Ingress.ClassName, validate.ObjectName)
		ps.field(AttrPath{"ingress", "tls_secret_name"}, h.Ingress.TLSSecretName, validate.ObjectName)
		for k := range h.Ingress.Annotations {
			ps.field(AttrPath{"ingress", "annotations"}, k, validate.AnnotationKey)
		}
	}
}

func checkExposure(h Hub, ps *problems) {
	switch {
	case h.HTTPS != nil && h.Ingress != nil:
		ps.add(AttrPath{"ingress"}, "Conflicting settings",
			"`https` makes the hub's proxy terminate TLS, `ingress` hands that to an ingress controller: set only one. "+
				"With an ingress, put the certificate in `ingress.tls_secret_name` or let cert-manager create it through `ingress.annotations`.")
	case (h.HTTPS != nil || h.Ingress != nil) && h.Domain == "":
		attr := AttrPath{"https"}
		if h.Ingress != nil {
			attr = AttrPath{"ingress"}
		}
		ps.add(attr, "Missing domain", "HTTPS and ingresses need the hub's `domain`, e.g. domain = \"hub.example.org\".")
	case h.Domain != "" && h.HTTPS == nil && h.Ingress == nil:
		ps.add(AttrPath{"domain"}, "Domain without HTTPS",
			"A hub reached by a domain name must use HTTPS: add `https = { mode = \"letsencrypt\", contact_email = \"...\" }`, "+
				"`https = { mode = \"offload\" }` when a load balancer terminates TLS, or an `ingress` block.")
	}
	if t := h.HTTPS; t != nil {
		switch t.Mode {
		case HTTPSLetsEncrypt:
			if t.ContactEmail == "" {
				ps.add(AttrPath{"https", "contact_email"}, "Missing contact e-mail", "Let's Encrypt needs a contact e-mail for expiry notices: set `https.contact_email`.")
			}
		case HTTPSSecret:
			if t.SecretName == "" {
				ps.add(AttrPath{"https", "secret_name"}, "Missing TLS secret", "mode \"secret\" uses an existing kubernetes.io/tls Secret in the hub's namespace: set `https.secret_name`.")
			}
		}
		if t.ContactEmail != "" && t.Mode != HTTPSLetsEncrypt {
			ps.add(AttrPath{"https", "contact_email"}, "Setting not used", "`contact_email` is only used with mode \"letsencrypt\".")
		}
		if t.SecretName != "" && t.Mode != HTTPSSecret {
			ps.add(AttrPath{"https", "secret_name"}, "Setting not used", "`secret_name` is only used with mode \"secret\".")
		}
	}
}
