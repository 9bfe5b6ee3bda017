// Package supportvalues turns the typed settings of a cluster's support
// services (ingress controller, cert-manager, Prometheus, Grafana,
// cluster-autoscaler) into one Helm release per component, with the chart
// each installs and the values it gets, recording which attribute wrote
// each value so that a chart's schema error points at it. It also renders
// what lives outside the releases: cert-manager's CRDs and ClusterIssuers.
//
// The package knows nothing about Terraform or Kubernetes clients.
package supportvalues

import (
	"fmt"
	"sort"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// Support is what a cluster's engineer configures. A nil component is not
// installed. JSON names are the twoi2chub_cluster_support attributes'.
type Support struct {
	Namespace         string             `json:"namespace"`
	IngressNginx      *IngressNginx      `json:"ingress_nginx,omitempty"`
	CertManager       *CertManager       `json:"cert_manager,omitempty"`
	Prometheus        *Prometheus        `json:"prometheus,omitempty"`
	Grafana           *Grafana           `json:"grafana,omitempty"`
	ClusterAutoscaler *ClusterAutoscaler `json:"cluster_autoscaler,omitempty"`
}

// ChartSettings are every component's chart source and escape hatch.
type ChartSettings struct {
	ChartRepository string `json:"chart_repository,omitempty"`
	ChartVersion    string `json:"chart_version,omitempty"`
	// ExtraValues is YAML merged over everything the typed settings write.
	ExtraValues string `json:"extra_values,omitempty"`
}

// Resources are a container's requests and limits.
type Resources struct {
	CPURequest    string `json:"cpu_request,omitempty"`
	CPULimit      string `json:"cpu_limit,omitempty"`
	MemoryRequest string `json:"memory_request,omitempty"`
	MemoryLimit   string `json:"memory_limit,omitempty"`
}

func (r *Resources) values() map[string]any {
	out := map[string]any{}
	put := func(kind, res, v string) {
		if v == "" {
			return
		}
		m, _ := out[kind].(map[string]any)
		if m == nil {
			m = map[string]any{}
			out[kind] = m
		}
		m[res] = v
	}
	put("requests", "cpu", r.CPURequest)
	put("requests", "memory", r.MemoryRequest)
	put("limits", "cpu", r.CPULimit)
	put("limits", "memory", r.MemoryLimit)
	return out
}

// Component names, which are also the release names.
const (
	IngressNginxName      = "ingress-nginx"
	CertManagerName       = "cert-manager"
	PrometheusName        = "prometheus"
	GrafanaName           = "grafana"
	ClusterAutoscalerName = "cluster-autoscaler"
)

// Component describes one kind of support service: its attribute, its
// release and chart, and its pinned default chart.
type Component struct {
	Attr              string // the attribute, e.g. "cert_manager"
	Name              string // release and chart name
	DefaultRepository string
	DefaultVersion    string
}

// Components are every support service, in install order: the ingress
// controller and cert-manager first (others' ingresses need them),
// Prometheus before Grafana (its data source).
var Components = []Component{
	{"ingress_nginx", IngressNginxName, "https://kubernetes.github.io/ingress-nginx", "4.15.1"},
	{"cert_manager", CertManagerName, "https://charts.jetstack.io", "v1.21.1"},
	{"prometheus", PrometheusName, "https://prometheus-community.github.io/helm-charts", "29.27.0"},
	{"grafana", GrafanaName, "https://grafana-community.github.io/helm-charts", "12.11.1"},
	{"cluster_autoscaler", ClusterAutoscalerName, "https://kubernetes.github.io/autoscaler", "9.59.0"},
}

// ComponentByName finds a component by its release name.
func ComponentByName(name string) (Component, bool) {
	for _, c := range Components {
		if c.Name == name {
			return c, true
		}
	}
	return Component{}, false
}

// Release is one component's Helm release.
type Release struct {
	Component  Component
	Repository string
	Version    string
	Values     hubvalues.Values
	// Sources maps places in Values to the attributes that set them, as
	// paths from the resource's root (e.g. {"prometheus", "retention"}).
	Sources []hubvalues.Source
}

// AttrFor returns the attribute that wrote the value at p; failing that, the
// component's own attribute.
func (r *Release) AttrFor(p hubvalues.Pointer) hubvalues.AttrPath {
	rendered := hubvalues.Rendered{Sources: r.Sources}
	if a := rendered.AttrFor(p); a != nil {
		return a
	}
	return hubvalues.AttrPath{r.Component.Attr}
}

// builder collects one release's values and their sources.
type builder struct {
	attr    string
	values  map[string]any
	sources []hubvalues.Source
}

func (b *builder) set(attr string, value any, keys ...string) {
	nested := value
	ptr := make([]any, len(keys))
	for i := len(keys) - 1; i >= 0; i-- {
		nested, ptr[i] = map[string]any{keys[i]: nested}, keys[i]
	}
	hubvalues.DeepMerge(b.values, nested.(map[string]any))
	b.sources = append(b.sources, hubvalues.Source{Pointer: hubvalues.PointerOf(ptr...), Attr: hubvalues.AttrPath{b.attr, attr}})
}

// owned sets a value the provider always writes for the component; it is
// attributed to the component as a whole.
func (b *builder) owned(value any, keys ...string) {
	b.set("", value, keys...)
	b.sources[len(b.sources)-1].Attr = hubvalues.AttrPath{b.attr}
}

// Render turns s into the releases to install, in install order.
func Render(s Support) ([]Release, error) {
	var out []Release
	for _, c := range Components {
		var settings *ChartSettings
		b := &builder{attr: c.Attr, values: map[string]any{}}
		switch c.Name {
		case IngressNginxName:
			if s.IngressNginx == nil {
				continue
			}
			settings = &s.IngressNginx.ChartSettings
			s.IngressNginx.render(b)
		case CertManagerName:
			if s.CertManager == nil {
				continue
			}
			settings = &s.CertManager.ChartSettings
			s.CertManager.render(b)
		case PrometheusName:
			if s.Prometheus == nil {
				continue
			}
			settings = &s.Prometheus.ChartSettings
			s.Prometheus.render(b)
		case GrafanaName:
			if s.Grafana == nil {
				continue
			}
			settings = &s.Grafana.ChartSettings
			s.Grafana.render(b, s)
		case ClusterAutoscalerName:
			if s.ClusterAutoscaler == nil {
				continue
			}
			settings = &s.ClusterAutoscaler.ChartSettings
			s.ClusterAutoscaler.render(b)
		}
		rel := Release{Component: c, Repository: or(settings.ChartRepository, c.DefaultRepository), Version: or(settings.ChartVersion, c.DefaultVersion)}
		if settings.ExtraValues != "" {
			var extra map[string]any
			if err := yaml.Unmarshal([]byte(settings.ExtraValues), &extra); err != nil {
				return nil, fmt.Errorf("%s.extra_values is not a YAML mapping: %w", c.Attr, err)
			}
			hubvalues.DeepMerge(b.values, extra)
			for _, p := range leafPointers(extra, nil) {
				b.sources = append(b.sources, hubvalues.Source{Pointer: p, Attr: hubvalues.AttrPath{c.Attr, "extra_values"}})
			}
		}
		values, err := hubvalues.NormalizeValues(b.values)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Attr, err)
		}
		rel.Values, rel.Sources = values, b.sources
		out = append(out, rel)
	}
	return out, nil
}

func leafPointers(v map[string]any, prefix []any) []hubvalues.Pointer {
	var out []hubvalues.Pointer
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := append(append([]any{}, prefix...), k)
		if m, ok := v[k].(map[string]any); ok && len(m) > 0 {
			out = append(out, leafPointers(m, p)...)
			continue
		}
		out = append(out, hubvalues.PointerOf(p...))
	}
	return out
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Problem is a setting that cannot work, at the attribute path Attr.
type Problem struct {
	Attr            hubvalues.AttrPath
	Summary, Detail string
}

// Check finds settings that are fine alone but do not work together.
func Check(s Support) []Problem {
	var out []Problem
	if g := s.Grafana; g != nil && g.Domain != "" && s.IngressNginx == nil && g.IngressClass == "" {
		out = append(out, Problem{Attr: hubvalues.AttrPath{"grafana", "domain"}, Summary: "Grafana's domain needs an ingress controller",
			Detail: "grafana.domain exposes Grafana through an Ingress: enable ingress_nginx in this resource, or name the cluster's own controller in grafana.ingress_class."})
	}
	if g := s.Grafana; g != nil && g.TLS && s.CertManager == nil {
		out = append(out, Problem{Attr: hubvalues.AttrPath{"grafana", "tls"}, Summary: "Grafana's TLS needs cert-manager",
			Detail: "grafana.tls asks cert-manager for a Let's Encrypt certificate: enable cert_manager in this resource, or set tls = false."})
	}
	if s.Grafana != nil && s.Prometheus == nil && s.Grafana.PrometheusURL == "" {
		out = append(out, Problem{Attr: hubvalues.AttrPath{"grafana"}, Summary: "Grafana has no Prometheus to read",
			Detail: "The JupyterHub dashboards read Prometheus: enable prometheus in this resource, or set grafana.prometheus_url to another Prometheus."})
	}
	return out
}

// releaseNames lists the names of rendered releases.
func ReleaseNames(rs []Release) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Component.Name
	}
	return out
}

// ingressClassOf is the IngressClass other components' Ingresses use.
func ingressClassOf(s Support, explicit string) string {
	if explicit != "" {
		return explicit
	}
	if s.IngressNginx != nil {
		return s.IngressNginx.className()
	}
	return ""
}

// serviceURL is a Service's in-cluster address.
func serviceURL(name, namespace string, port int) string {
	return fmt.Sprintf("http://%s.%s.svc:%d", name, namespace, port)
}
