package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"helm.sh/helm/v3/pkg/action"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/supportvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

const supportAddr = "twoi2chub_cluster_support.test"

var (
	supportRepoOnce sync.Once
	supportRepo     *charttest.Repo
)

// supportEnv is a namespace of the test bed and the real support charts
// (../shared/charts/repo) served on loopback. The charts name cluster-wide
// objects after their releases, so support tests run one at a time and
// destroy what they install.
type supportEnv struct {
	cp       *testbed.ControlPlane
	ns       string
	repo     *charttest.Repo
	client   kubernetes.Interface
	dynamic  dynamic.Interface
	releases *release.Client
	ctx      context.Context
}

func newSupportEnv(t *testing.T) *supportEnv {
	t.Helper()
	cp := testAccPreCheck(t)
	dir, ok := charttest.SupportRepoDir()
	if !ok {
		t.Skip("needs the real support charts in ../shared/charts/repo beside the repository")
	}
	supportRepoOnce.Do(func() {
		r, err := charttest.ServeDir(dir)
		if err != nil {
			panic(err)
		}
		supportRepo = r
	})
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := release.New(cp.RESTConfig(), cs)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cp.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	return &supportEnv{cp: cp, ns: cp.Namespace(t), repo: supportRepo, client: cs, dynamic: dyn, releases: rc, ctx: ctx}
}

// component is one component block reading its chart from the test repository.
func (e *supportEnv) component(name, body string) string {
	return fmt.Sprintf("  %s = {\n    chart_repository = %q\n%s\n  }\n", name, e.repo.URL, body)
}

func (e *supportEnv) config(components ...string) string {
	return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_cluster_support" "test" {
  namespace = %q
%s}
`, e.ns, strings.Join(components, ""))
}

var (
	crdGVR    = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	issuerGVR = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "clusterissuers"}
)

// certManagerCRDs lists the names of cert-manager's CRDs in the cluster and
// the chart annotation of each.
func (e *supportEnv) certManagerCRDs(t *testing.T) map[string]string {
	t.Helper()
	list, err := e.dynamic.Resource(crdGVR).List(e.ctx, metav1.ListOptions{LabelSelector: supportvalues.CRDSelector})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, item := range list.Items {
		out[item.GetName()] = item.GetAnnotations()[supportvalues.CRDChartAnnotation]
	}
	return out
}

func (e *supportEnv) grafanaPassword(t *testing.T) []string {
	t.Helper()
	s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, supportvalues.GrafanaAdminSecret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := string(s.Data[supportvalues.GrafanaAdminPasswordKey])
	if len(p) < 20 {
		t.Fatalf("Grafana's admin password is %d characters", len(p))
	}
	return []string{p}
}

// ingressWithoutWebhook keeps Ingresses creatable on the test bed: the
// chart's admission webhook gets its certificate from a Job that kwok only
// pretends to run, so the API server could never call it.
const ingressWithoutWebhook = `    extra_values = yamlencode({ controller = { admissionWebhooks = { enabled = false } } })`

// TestAccClusterSupportLifecycle installs every component but the
// autoscaler from the real charts, gives the controller's load balancer an
// address as a cloud would, changes a release behind Terraform's back,
// imports, and destroys keeping cert-manager's CRDs.
func TestAccClusterSupportLifecycle(t *testing.T) {
	e := newSupportEnv(t)
	full := e.config(
		e.component("ingress_nginx", ingressWithoutWebhook),
		e.component("cert_manager", `    acme_email = "it@example.org"`),
		e.component("prometheus", `    retention = "30d"
    storage_size = "2Gi"
    alertmanager = false`),
		e.component("grafana", `    domain = "grafana.example.org"
    tls = true`),
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, name := range []string{"ingress-nginx", "cert-manager", "prometheus", "grafana"} {
				info, err := e.releases.Latest(e.ctx, e.ns, name)
				if err != nil {
					return err
				}
				if info != nil {
					return fmt.Errorf("release %s left after destroy: %s", name, info.Status)
				}
			}
			if _, err := e.dynamic.Resource(issuerGVR).Get(e.ctx, supportvalues.ProductionIssuer, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("ClusterIssuer left after destroy (%v)", err)
			}
			if crds := e.certManagerCRDs(t); len(crds) != 6 {
				return fmt.Errorf("destroy must keep cert-manager's 6 CRDs, found %v", crds)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noneInPlan{"Grafana's admin password", func() []string { return nil }},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases"), knownvalue.MapSizeExact(4)),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("prometheus").AtMapKey("status"), knownvalue.StringExact("deployed")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("cert-manager").AtMapKey("chart_version"), knownvalue.StringExact("v1.21.1")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("grafana").AtMapKey("app_version"), knownvalue.StringExact("13.2.0")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("crds_version"), knownvalue.StringExact("v1.21.1")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("ingress_address"), knownvalue.Null()),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("grafana_url"), knownvalue.StringExact("https://grafana.example.org/")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("grafana_admin_secret"), knownvalue.StringExact(e.ns+"/grafana-admin")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("cluster_issuers"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("letsencrypt-production"), knownvalue.StringExact("letsencrypt-staging")})),
					noneInState{"Grafana's admin password", func() []string { return e.grafanaPassword(t) }},
				},
				Check: func(*terraform.State) error {
					crds := e.certManagerCRDs(t)
					if len(crds) != 6 {
						return fmt.Errorf("want cert-manager's 6 CRDs, found %v", crds)
					}
					for name, ann := range crds {
						if ann != "v1.21.1/6" {
							return fmt.Errorf("CRD %s is annotated %q", name, ann)
						}
					}
					iss, err := e.dynamic.Resource(issuerGVR).Get(e.ctx, supportvalues.StagingIssuer, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if email, _, _ := unstructuredString(iss.Object, "spec", "acme", "email"); email != "it@example.org" {
						return fmt.Errorf("staging issuer's email is %q", email)
					}
					// The chart's Deployment reads the admin user from the provider's Secret.
					d, err := e.client.AppsV1().Deployments(e.ns).Get(e.ctx, "grafana", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if !strings.Contains(fmt.Sprint(d.Spec.Template.Spec.Containers[0].Env), supportvalues.GrafanaAdminSecret) {
						return fmt.Errorf("Grafana does not read its password from %s", supportvalues.GrafanaAdminSecret)
					}
					ing, err := e.client.NetworkingV1().Ingresses(e.ns).Get(e.ctx, "grafana", metav1.GetOptions{})
					if err != nil {
						return err
					}
					if c := ing.Spec.IngressClassName; c == nil || *c != "nginx" || ing.Annotations["cert-manager.io/cluster-issuer"] != "letsencrypt-production" {
						return fmt.Errorf("Grafana's Ingress: class %v, annotations %v", c, ing.Annotations)
					}
					return nil
				},
			},
			{
				// The cloud gives the controller's LoadBalancer Service an address.
				PreConfig: func() {
					svc, err := e.client.CoreV1().Services(e.ns).Get(e.ctx, supportvalues.ControllerService, metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.7"}}
					if _, err := e.client.CoreV1().Services(e.ns).UpdateStatus(e.ctx, svc, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: full,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("ingress_address"), knownvalue.StringExact("203.0.113.7")),
				},
				Check: func(*terraform.State) error { return e.refreshReads(t, 4) },
			},
			{
				// `helm upgrade prometheus --reuse-values --set server.retention=1d`
				PreConfig: func() {
					up := action.NewUpgrade(helmCLIConfig(t, e.cp, e.ns))
					up.ReuseValues = true
					ch, err := (&release.ChartCache{Dir: release.DefaultCacheDir()}).Load(e.ctx, release.ChartSource{Repository: e.repo.URL, Name: "prometheus", Version: "29.27.0"})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := up.Run("prometheus", ch, map[string]any{"server": map[string]any{"retention": "1d"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: full,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("prometheus").AtMapKey("revision")),
				}},
				Check: func(*terraform.State) error {
					info, err := e.releases.Latest(e.ctx, e.ns, "prometheus")
					if err != nil {
						return err
					}
					if r := info.Config["server"].(map[string]any)["retention"]; r != "30d" || info.Revision != 3 {
						return fmt.Errorf("apply did not restore the retention: %v (revision %d)", r, info.Revision)
					}
					return nil
				},
			},
			{
				// `helm uninstall grafana`
				PreConfig: func() {
					if _, err := action.NewUninstall(helmCLIConfig(t, e.cp, e.ns)).Run("grafana"); err != nil {
						t.Fatal(err)
					}
				},
				Config: full,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("grafana").AtMapKey("revision"), knownvalue.Int64Exact(1)),
				},
			},
			{
				ResourceName:                         supportAddr,
				ImportState:                          true,
				ImportStateId:                        e.ns,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				// Settings cannot be read back from releases; what the cluster holds can.
				ImportStateVerifyIgnore: []string{"ingress_nginx", "cert_manager", "prometheus", "grafana", "timeouts", "grafana_url",
					"grafana_admin_secret", "cluster_issuers"},
			},
		},
	})
}

func unstructuredString(obj map[string]any, keys ...string) (string, bool, error) {
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false, nil
		}
		cur = m[k]
	}
	s, ok := cur.(string)
	return s, ok, nil
}

// newerCertManager publishes, in a repository of its own, the real
// cert-manager chart as version "v1.21.2-test" whose Certificate CRD gained
// a short name, "crt": a chart upgrade that changes a CRD, as upstream
// releases do.
func newerCertManager(t *testing.T, e *supportEnv) string {
	t.Helper()
	ch, err := (&release.ChartCache{Dir: release.DefaultCacheDir()}).Load(e.ctx, release.ChartSource{Repository: e.repo.URL, Name: "cert-manager", Version: "v1.21.1"})
	if err != nil {
		t.Fatal(err)
	}
	ch.Metadata.Version = "v1.21.2-test"
	changed := false
	for _, tpl := range ch.Templates {
		if tpl.Name == "templates/crd-cert-manager.io_certificates.yaml" {
			data := strings.Replace(string(tpl.Data), "      - cert\n      - certs\n", "      - cert\n      - certs\n      - crt\n", 1)
			changed = data != string(tpl.Data)
			tpl.Data = []byte(data)
		}
	}
	if !changed {
		t.Fatal("the Certificate CRD template no longer has the short names this test extends")
	}
	repo, err := charttest.NewRepo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(repo.Close)
	if err := repo.Add(ch); err != nil {
		t.Fatal(err)
	}
	return repo.URL
}

// TestAccClusterSupportCertManagerCRDs shows cert-manager's real CRDs
// applied by the provider, re-applied when one goes missing, upgraded with
// the chart, and kept on destroy.
func TestAccClusterSupportCertManagerCRDs(t *testing.T) {
	e := newSupportEnv(t)
	newer := newerCertManager(t, e)
	certs := "certificates.cert-manager.io"
	shortNames := func() []string {
		crd, err := e.dynamic.Resource(crdGVR).Get(e.ctx, certs, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		names, _, _ := unstructuredStrings(crd.Object, "spec", "names", "shortNames")
		return names
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			crds := e.certManagerCRDs(t)
			if len(crds) != 6 || crds[certs] != "v1.21.2-test/6" {
				return fmt.Errorf("destroy must keep cert-manager's 6 upgraded CRDs, found %v", crds)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: e.config(e.component("cert_manager", `    acme_email = "it@example.org"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("crds_version"), knownvalue.StringExact("v1.21.1")),
				},
			},
			{
				// `kubectl delete crd certificates.cert-manager.io`
				PreConfig: func() {
					if err := e.dynamic.Resource(crdGVR).Delete(e.ctx, certs, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					for {
						if _, err := e.dynamic.Resource(crdGVR).Get(e.ctx, certs, metav1.GetOptions{}); apierrors.IsNotFound(err) {
							return
						}
						time.Sleep(200 * time.Millisecond)
					}
				},
				Config: e.config(e.component("cert_manager", `    acme_email = "it@example.org"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionUpdate),
					changeOf{supportAddr, "crds_version", nil, "v1.21.1"},
				}},
				Check: func(*terraform.State) error {
					if crds := e.certManagerCRDs(t); len(crds) != 6 {
						return fmt.Errorf("the missing CRD was not re-applied: %v", crds)
					}
					return nil
				},
			},
			{
				Config: e.config(fmt.Sprintf(`  cert_manager = {
    chart_repository = %q
    chart_version    = "v1.21.2-test"
    acme_email       = "it@example.org"
  }
`, newer)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					changeOf{supportAddr, "crds_version", "v1.21.1", "v1.21.2-test"},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("cert-manager").AtMapKey("chart_version"), knownvalue.StringExact("v1.21.2-test")),
				},
				Check: func(*terraform.State) error {
					if got := shortNames(); strings.Join(got, ",") != "cert,certs,crt" {
						return fmt.Errorf("the Certificate CRD was not upgraded: short names %v", got)
					}
					for name, ann := range e.certManagerCRDs(t) {
						if ann != "v1.21.2-test/6" {
							return fmt.Errorf("CRD %s is annotated %q after the upgrade", name, ann)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestAccClusterSupportAutoscalerAndSchemas: values a chart's schema
// rejects fail at plan at the attribute that wrote them; the
// cluster-autoscaler renders its Deployment from cluster_name and
// cloud_provider; a refresh reads the same few things whatever the number
// of components.
func TestAccClusterSupportAutoscalerAndSchemas(t *testing.T) {
	e := newSupportEnv(t)
	autoscaler := e.component("cluster_autoscaler", `    cluster_name = "community-eks"
    region       = "us-west-2"
    service_account_annotations = { "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/autoscaler" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.config(e.component("cert_manager", `    acme_email = "it@example.org"
    extra_values = yamlencode({ replicaCount = "two" })`)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Value rejected by the chart's schema.*cert_manager.extra_values.*replicaCount`),
			},
			{
				Config:      e.config(e.component("prometheus", `    extra_values = yamlencode({ server = { retention = 30 } })`)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Value rejected by the chart's schema.*prometheus.extra_values`),
			},
			{
				Config: e.config(autoscaler),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("releases").AtMapKey("cluster-autoscaler").AtMapKey("app_version"), knownvalue.StringExact("1.35.0")),
				},
				Check: func(*terraform.State) error {
					list, err := e.client.AppsV1().Deployments(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=cluster-autoscaler"})
					if err != nil {
						return err
					}
					if len(list.Items) != 1 {
						return fmt.Errorf("want the autoscaler's Deployment, found %d", len(list.Items))
					}
					args := strings.Join(list.Items[0].Spec.Template.Spec.Containers[0].Command, " ")
					for _, want := range []string{"--cloud-provider=aws", "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/community-eks"} {
						if !strings.Contains(args, want) {
							return fmt.Errorf("the autoscaler runs %q, without %s", args, want)
						}
					}
					sa, err := e.client.CoreV1().ServiceAccounts(e.ns).Get(e.ctx, list.Items[0].Spec.Template.Spec.ServiceAccountName, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if sa.Annotations["eks.amazonaws.com/role-arn"] == "" {
						return fmt.Errorf("the autoscaler's ServiceAccount has no role: %v", sa.Annotations)
					}
					return nil
				},
			},
		},
	})
}

func unstructuredStrings(obj map[string]any, keys ...string) ([]string, bool, error) {
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false, nil
		}
		cur = m[k]
	}
	list, _ := cur.([]any)
	var out []string
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out, list != nil, nil
}

// countingTransport counts the requests a client makes.
type countingTransport struct {
	next  http.RoundTripper
	count *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.count.Add(1)
	return c.next.RoundTrip(r)
}

// refreshReads refreshes, as after an import (every component looked for),
// the support services installed in e's namespace, and fails unless it
// found want releases in three requests: the releases, cert-manager's CRDs
// and the controller's Service, whatever the number of components.
func (e *supportEnv) refreshReads(t *testing.T, want int) error {
	t.Helper()
	var count atomic.Int64
	cfg := rest.CopyConfig(e.cp.RESTConfig())
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, &count} }
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	client, err := release.New(cfg, cs)
	if err != nil {
		return err
	}
	m := clusterSupportModel{Namespace: types.StringValue(e.ns), Releases: types.MapNull(supportReleaseType), CRDsVersion: types.StringNull(),
		IngressAddress: types.StringNull(), IngressNginx: types.ObjectNull(nil), CertManager: types.ObjectNull(nil)}
	count.Store(0)
	if err := refreshSupport(e.ctx, client, &m); err != nil {
		return err
	}
	if got := len(m.releasesOf()); got != want {
		return fmt.Errorf("the refresh found %d releases, want %d", got, want)
	}
	if m.CRDsVersion.ValueString() == "" || m.IngressAddress.IsNull() {
		return fmt.Errorf("the refresh read no CRDs version (%v) or no address (%v)", m.CRDsVersion, m.IngressAddress)
	}
	if n := count.Load(); n != 3 {
		return fmt.Errorf("the refresh of %d components made %d requests, want 3", want, n)
	}
	t.Logf("refresh of %d support releases, CRDs and address: %d requests", want, count.Load())
	return nil
}
