package supportvalues

import (
	_ "embed"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// Prometheus is the Prometheus chart (server, alertmanager, node-exporter,
// kube-state-metrics) with the scrape jobs JupyterHub needs.
type Prometheus struct {
	ChartSettings
	// Retention is how long samples are kept, e.g. "30d".
	Retention string `json:"retention,omitempty"`
	// StorageSize is the server's volume, e.g. "100Gi".
	StorageSize  string     `json:"storage_size,omitempty"`
	Alertmanager *bool      `json:"alertmanager,omitempty"`
	Resources    *Resources `json:"resources,omitempty"`
}

// ScrapeConfigs are the scrape jobs added to the chart's own, from
// files/scrape-jupyterhub.yaml.
//
//go:embed files/scrape-jupyterhub.yaml
var ScrapeConfigs string

// Dashboard is the JupyterHub dashboard Grafana is provisioned with, from
// files/dashboard-jupyterhub.json.
//
//go:embed files/dashboard-jupyterhub.json
var Dashboard string

// PrometheusService is the server's Service (port 80), Grafana's data source.
const PrometheusService = PrometheusName + "-server"

// nodePoolLabels are the node labels naming a node pool on GKE, EKS and AKS,
// and z2jh's node purpose, exported by kube-state-metrics for the dashboards.
var nodePoolLabels = "nodes=[cloud.google.com/gke-nodepool,eks.amazonaws.com/nodegroup,kubernetes.azure.com/agentpool,hub.jupyter.org/node-purpose]"

// hubLabelsAllowlist are the labels a hub with a community puts on its
// namespace and pods (hubvalues/costlabels.go), exported by kube-state-metrics
// (as label_twoi2chub_hub, label_twoi2chub_community) so that dashboards and
// cost queries split per hub and per community.
var hubLabelsAllowlist = []string{
	"namespaces=[" + hubvalues.HubLabelKey + "," + hubvalues.CommunityLabelKey + "]",
	"pods=[" + hubvalues.HubLabelKey + "," + hubvalues.CommunityLabelKey + ",hub.jupyter.org/username]",
}

func (p *Prometheus) render(b *builder) {
	if p.Retention != "" {
		b.set("retention", p.Retention, "server", "retention")
	}
	if p.StorageSize != "" {
		b.set("storage_size", p.StorageSize, "server", "persistentVolume", "size")
	}
	if p.Alertmanager != nil {
		b.set("alertmanager", *p.Alertmanager, "alertmanager", "enabled")
	}
	if p.Resources != nil {
		b.set("resources", p.Resources.values(), "server", "resources")
	}
	b.owned(ScrapeConfigs, "extraScrapeConfigs")
	allow := append([]any{nodePoolLabels}, toAny(hubLabelsAllowlist)...)
	b.owned(allow, "kube-state-metrics", "metricLabelsAllowlist")
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// Grafana is Grafana with Prometheus as its data source and the JupyterHub
// dashboard, its admin password in a Secret the provider generates.
type Grafana struct {
	ChartSettings
	// Domain exposes Grafana through an Ingress, e.g. "grafana.example.org".
	Domain string `json:"domain,omitempty"`
	// IngressClass of that Ingress; default the ingress_nginx class.
	IngressClass string `json:"ingress_class,omitempty"`
	// TLS asks cert-manager's production issuer for a certificate.
	TLS bool `json:"tls,omitempty"`
	// StorageSize keeps Grafana's database on a volume, e.g. "10Gi".
	StorageSize string `json:"storage_size,omitempty"`
	// PrometheusURL is the data source; default the prometheus component's server.
	PrometheusURL string     `json:"prometheus_url,omitempty"`
	Resources     *Resources `json:"resources,omitempty"`
}

// The admin Secret the provider creates (never in state) and its keys.
const (
	GrafanaAdminSecret      = GrafanaName + "-admin"
	GrafanaAdminUserKey     = "admin-user"
	GrafanaAdminPasswordKey = "admin-password"
	GrafanaAdminUser        = "admin"
)

// URL is where people reach Grafana, "" without a domain.
func (g *Grafana) URL() string {
	if g.Domain == "" {
		return ""
	}
	if g.TLS {
		return "https://" + g.Domain + "/"
	}
	return "http://" + g.Domain + "/"
}

func (g *Grafana) render(b *builder, s Support) {
	b.owned(map[string]any{"existingSecret": GrafanaAdminSecret, "userKey": GrafanaAdminUserKey, "passwordKey": GrafanaAdminPasswordKey}, "admin")
	promURL := g.PrometheusURL
	if promURL == "" {
		promURL = serviceURL(PrometheusService, s.Namespace, 80)
	}
	b.set("prometheus_url", map[string]any{"datasources.yaml": map[string]any{
		"apiVersion": 1,
		"datasources": []any{map[string]any{"name": "Prometheus", "type": "prometheus", "uid": "prometheus",
			"url": promURL, "access": "proxy", "isDefault": true}},
	}}, "datasources")
	b.owned(map[string]any{"dashboardproviders.yaml": map[string]any{
		"apiVersion": 1,
		"providers": []any{map[string]any{"name": "twoi2chub", "folder": "JupyterHub", "type": "file", "disableDeletion": true,
			"editable": false, "options": map[string]any{"path": "/var/lib/grafana/dashboards/twoi2chub"}}},
	}}, "dashboardProviders")
	b.owned(map[string]any{"twoi2chub": map[string]any{"jupyterhub": map[string]any{"json": Dashboard}}}, "dashboards")
	if g.Domain != "" {
		ing := map[string]any{"enabled": true, "hosts": []any{g.Domain}, "path": "/"}
		if class := ingressClassOf(s, g.IngressClass); class != "" {
			ing["ingressClassName"] = class
		}
		if g.TLS {
			ing["annotations"] = map[string]any{"cert-manager.io/cluster-issuer": ProductionIssuer}
			ing["tls"] = []any{map[string]any{"secretName": GrafanaName + "-tls", "hosts": []any{g.Domain}}}
		}
		b.set("domain", ing, "ingress")
		b.set("domain", map[string]any{"server": map[string]any{"root_url": g.URL()}}, "grafana.ini")
	}
	if g.StorageSize != "" {
		b.set("storage_size", map[string]any{"enabled": true, "size": g.StorageSize}, "persistence")
	}
	if g.Resources != nil {
		b.set("resources", g.Resources.values(), "resources")
	}
}
