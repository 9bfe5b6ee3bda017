package supportvalues

// IngressNginx is the ingress-nginx controller: the cluster's entrance for
// hubs with `ingress` and for Grafana, behind one cloud load balancer.
type IngressNginx struct {
	ChartSettings
	// ClassName is the IngressClass it serves (default "nginx").
	ClassName string `json:"class_name,omitempty"`
	// DefaultClass makes it the cluster's default IngressClass.
	DefaultClass *bool  `json:"default_class,omitempty"`
	Replicas     *int64 `json:"replicas,omitempty"`
	// ServiceAnnotations go on the LoadBalancer Service, e.g. a cloud's
	// internal load balancer or static IP annotations.
	ServiceAnnotations map[string]string `json:"service_annotations,omitempty"`
	LoadBalancerIP     string            `json:"load_balancer_ip,omitempty"`
	Resources          *Resources        `json:"resources,omitempty"`
}

// DefaultIngressClass is the IngressClass ingress-nginx serves by default.
const DefaultIngressClass = "nginx"

// ControllerService is the LoadBalancer Service whose address is the
// cluster's public address (the chart's fullname, the release name, + "-controller").
const ControllerService = IngressNginxName + "-controller"

func (i *IngressNginx) className() string { return or(i.ClassName, DefaultIngressClass) }

func (i *IngressNginx) render(b *builder) {
	b.set("class_name", i.className(), "controller", "ingressClassResource", "name")
	b.set("class_name", i.className(), "controller", "ingressClass")
	if i.DefaultClass != nil {
		b.set("default_class", *i.DefaultClass, "controller", "ingressClassResource", "default")
	}
	if i.Replicas != nil {
		b.set("replicas", *i.Replicas, "controller", "replicaCount")
	}
	if len(i.ServiceAnnotations) > 0 {
		b.set("service_annotations", stringMap(i.ServiceAnnotations), "controller", "service", "annotations")
	}
	if i.LoadBalancerIP != "" {
		b.set("load_balancer_ip", i.LoadBalancerIP, "controller", "service", "loadBalancerIP")
	}
	if i.Resources != nil {
		b.set("resources", i.Resources.values(), "controller", "resources")
	}
	// Prometheus finds the controller's metrics through these annotations.
	b.owned(true, "controller", "metrics", "enabled")
	b.owned(map[string]any{"prometheus.io/scrape": "true", "prometheus.io/port": "10254"}, "controller", "podAnnotations")
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
