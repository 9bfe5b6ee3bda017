package supportvalues

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
)

func full() Support {
	return Support{
		Namespace:    "support",
		IngressNginx: &IngressNginx{Replicas: ptr(int64(2)), ServiceAnnotations: map[string]string{"cloud.google.com/load-balancer-type": "External"}},
		CertManager:  &CertManager{ACMEEmail: "it@example.org"},
		Prometheus:   &Prometheus{Retention: "30d", StorageSize: "50Gi", Resources: &Resources{MemoryRequest: "2Gi", MemoryLimit: "4Gi"}},
		Grafana:      &Grafana{Domain: "grafana.example.org", TLS: true, StorageSize: "5Gi"},
		ClusterAutoscaler: &ClusterAutoscaler{ClusterName: "hubs", Region: "us-west-2",
			ServiceAccountAnnotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/autoscaler"}},
	}
}

func ptr[T any](v T) *T { return &v }

func realCharts(t *testing.T) map[string]*chart.Chart {
	t.Helper()
	dir, ok := charttest.SupportRepoDir()
	if !ok {
		t.Skip("needs ../shared/charts/repo beside the repository")
	}
	out := map[string]*chart.Chart{}
	for _, c := range Components {
		ch, err := loader.Load(filepath.Join(dir, c.Name+"-"+c.DefaultVersion+".tgz"))
		if err != nil {
			t.Fatal(err)
		}
		out[c.Name] = ch
	}
	return out
}

// TestRenderWithRealCharts renders every component's values and then the
// real chart's templates with them: each installs what its settings say, and
// the two charts with a values schema accept the values.
func TestRenderWithRealCharts(t *testing.T) {
	charts := realCharts(t)
	s := full()
	releases, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ReleaseNames(releases), ","); got != "ingress-nginx,cert-manager,prometheus,grafana,cluster-autoscaler" {
		t.Fatalf("releases %s", got)
	}
	rendered := map[string]string{}
	for _, r := range releases {
		ch := charts[r.Component.Name]
		if ch.Schema != nil {
			schema, err := hubvalues.CompileSchema(ch.Schema)
			if err != nil {
				t.Fatal(err)
			}
			if issues := schema.Validate(hubvalues.Coalesce(ch.Values, r.Values)); len(issues) > 0 {
				t.Errorf("%s: schema issues %v", r.Component.Name, issues)
			}
		}
		m, err := release.Render(ch, r.Values, s.Namespace, r.Component.Name)
		if err != nil {
			t.Fatalf("%s: %v", r.Component.Name, err)
		}
		var all strings.Builder
		for _, o := range m.Objects {
			if o.Kind == "CustomResourceDefinition" {
				t.Errorf("%s: the release holds CRD %s; CRDs must stay out of releases", r.Component.Name, o.Name)
			}
			all.WriteString("---\n# " + o.Kind + " " + o.Name + "\n" + o.Manifest + "\n")
		}
		rendered[r.Component.Name] = all.String()
	}
	for component, wants := range map[string][]string{
		"ingress-nginx": {"# Service ingress-nginx-controller", "type: LoadBalancer", "replicas: 2", "# IngressClass nginx"},
		"prometheus":    {"job_name: jupyterhub", "retention.time=30d", "storage: \"50Gi\"", "# DaemonSet prometheus-prometheus-node-exporter", "# StatefulSet prometheus-alertmanager", "cloud.google.com/gke-nodepool"},
		"grafana":       {"name: grafana-admin", "key: admin-password", "twoi2chub-jupyterhub", "http://prometheus-server.support.svc:80", "letsencrypt-production", "grafana.example.org"},
		"cluster-autoscaler": {"# Deployment cluster-autoscaler-aws-cluster-autoscaler", "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/hubs", "eks.amazonaws.com/role-arn",
			// The name the cloud modules' IRSA trust names (modules/eks: <support namespace>/cluster-autoscaler).
			"# ServiceAccount cluster-autoscaler\n", "serviceAccountName: cluster-autoscaler\n"},
	} {
		for _, w := range wants {
			if !strings.Contains(rendered[component], w) {
				t.Errorf("%s does not render %q", component, w)
			}
		}
	}

	if strings.Contains(rendered["grafana"], "admin-password: ") {
		t.Error("the grafana release renders an admin password of its own; it must read the provider's Secret")
	}

	// CRDs come from the same chart with CRDs switched on.
	m, err := release.Render(charts["cert-manager"], CRDValues(), s.Namespace, CertManagerName)
	if err != nil {
		t.Fatal(err)
	}
	var crds []string
	for _, o := range m.Objects {
		if o.Kind == "CustomResourceDefinition" {
			crds = append(crds, o.Name)
		}
	}
	if len(crds) != 6 {
		t.Errorf("cert-manager renders %d CRDs: %v", len(crds), crds)
	}
}

func TestClusterAutoscalerNeedsItsClusterName(t *testing.T) {
	charts := realCharts(t)
	releases, err := Render(Support{Namespace: "support", ClusterAutoscaler: &ClusterAutoscaler{ClusterName: "hubs"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := release.Render(charts["cluster-autoscaler"], releases[0].Values, "support", ClusterAutoscalerName)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range m.Objects {
		found = found || o.Kind == "Deployment"
	}
	if !found {
		t.Fatal("with a cluster name and the aws provider the chart must render its Deployment")
	}
}

// TestSchemaIssueIsReportedAtTheAttribute: a value the prometheus chart's
// schema rejects points at what wrote it (extra_values here).
func TestSchemaIssueIsReportedAtTheAttribute(t *testing.T) {
	charts := realCharts(t)
	s := Support{Namespace: "support", Prometheus: &Prometheus{ChartSettings: ChartSettings{ExtraValues: "server:\n  retention: 30\n"}}}
	releases, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := hubvalues.CompileSchema(charts["prometheus"].Schema)
	if err != nil {
		t.Fatal(err)
	}
	issues := schema.Validate(hubvalues.Coalesce(charts["prometheus"].Values, releases[0].Values))
	if len(issues) == 0 {
		t.Fatal("the schema accepts a number as server.retention")
	}
	if got := releases[0].AttrFor(issues[0].Pointer).String(); got != "prometheus.extra_values" {
		t.Errorf("issue %v reported at %s, want prometheus.extra_values", issues[0], got)
	}
}

func TestClusterIssuers(t *testing.T) {
	s := Support{Namespace: "support", IngressNginx: &IngressNginx{}, CertManager: &CertManager{ACMEEmail: "it@example.org", StagingServer: "https://acme.example.org/dir"}}
	got := ClusterIssuers(s)
	if len(got) != 2 {
		t.Fatalf("%d issuers", len(got))
	}
	for i, want := range []string{LetsEncryptProduction, "https://acme.example.org/dir"} {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(got[i]), &obj); err != nil {
			t.Fatal(err)
		}
		acme := obj["spec"].(map[string]any)["acme"].(map[string]any)
		if acme["server"] != want || acme["email"] != "it@example.org" || !strings.Contains(got[i], "ingressClassName: nginx") {
			t.Errorf("issuer %d:\n%s", i, got[i])
		}
	}
}

func TestChecks(t *testing.T) {
	s := Support{Namespace: "support", Grafana: &Grafana{Domain: "g.example.org", TLS: true}}
	var attrs []string
	for _, p := range Check(s) {
		attrs = append(attrs, p.Attr.String())
	}
	if got := strings.Join(attrs, " "); got != "grafana.domain grafana.tls grafana" {
		t.Errorf("problems at %s", got)
	}
	if ps := Check(full()); len(ps) != 0 {
		t.Errorf("full settings have problems: %v", ps)
	}
}

// TestDashboard checks the provisioned dashboard file: valid JSON, a uid,
// and every panel querying the Prometheus data source.
func TestDashboard(t *testing.T) {
	var d struct {
		UID    string `json:"uid"`
		Panels []struct {
			Title      string `json:"title"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(Dashboard), &d); err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for _, p := range d.Panels {
		titles[p.Title] = true
		if p.Datasource.UID != "prometheus" || len(p.Targets) == 0 || p.Targets[0].Expr == "" {
			t.Errorf("panel %q does not query the Prometheus data source", p.Title)
		}
	}
	for _, want := range []string{"Active users", "Running servers", "CPU per hub", "Memory per hub", "Nodes per node pool", "CPU requested per node pool"} {
		if !titles[want] {
			t.Errorf("no panel %q", want)
		}
	}
	if d.UID == "" {
		t.Error("dashboard without uid")
	}
}
