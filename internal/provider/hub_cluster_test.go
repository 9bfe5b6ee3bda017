package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"helm.sh/helm/v3/pkg/action"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Tests of what a real cluster shows that a stand-in chart hides: hubs
// sharing a cluster, the proxy's address, images that do not pull, a cluster
// that stops answering, releases changed with plain helm.

// TestAccHubsShareACluster: a second hub with a name already used in the
// cluster fails at plan, naming the first hub's namespace (the chart names
// its ClusterRole after the release); then ten hubs with their own names
// install side by side on the real chart.
func TestAccHubsShareACluster(t *testing.T) {
	e := newHubEnv(t)
	other := e.ns + "-b"
	var many []string
	for i := range 10 {
		many = append(many, fmt.Sprintf("%s-%d", e.ns, i))
	}
	t.Cleanup(func() {
		for _, ns := range append([]string{other}, many...) {
			_ = e.client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
		}
	})
	first := hubConfig(e, "")
	sameName := first + fmt.Sprintf(`
resource "twoi2chub_hub" "second" {
  name             = %q
  namespace        = %q
  chart_repository = %q
}
`, e.name, other, e.repo)
	quoted := make([]string, len(many))
	for i, ns := range many {
		quoted[i] = fmt.Sprintf("%q", ns)
	}
	ten := first + fmt.Sprintf(`
locals {
  namespaces = [%s]
}

resource "twoi2chub_hub" "many" {
  count            = length(local.namespaces)
  name             = "hub-${substr(local.namespaces[count.index], length(local.namespaces[count.index]) - 6, 6)}"
  namespace        = local.namespaces[count.index]
  chart_repository = %q
}
`, strings.Join(quoted, ", "), e.repo)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: first},
			{
				Config: sameName,
				ExpectError: regexp.MustCompile(`Hub name already used in this cluster at name(.|\n)*ClusterRole\s+` + regexp.QuoteMeta(e.name) +
					`-user-scheduler(.|\n)*belongs\s+to\s+release\s+` + regexp.QuoteMeta(e.ns+"/"+e.name) + `\s+\(the\s+hub\s+in\s+namespace\s+"` + regexp.QuoteMeta(e.ns) + `"\)`),
			},
			{
				Config: ten,
				Check: func(*terraform.State) error {
					var deployed []string
					for _, ns := range many {
						info, err := e.releases.Latest(e.ctx, ns, hubName(ns))
						if err != nil || info == nil || !info.Deployed() {
							return fmt.Errorf("hub in %s: %+v %v", ns, info, err)
						}
						deployed = append(deployed, hubName(ns))
					}
					roles, err := e.client.RbacV1().ClusterRoles().List(e.ctx, metav1.ListOptions{LabelSelector: "component=user-scheduler"})
					if err != nil {
						return err
					}
					owned := map[string]bool{}
					for _, r := range roles.Items {
						owned[r.Name] = true
					}
					for _, name := range append(deployed, e.name) {
						if !owned[name+"-user-scheduler"] {
							return fmt.Errorf("no ClusterRole %s-user-scheduler among %d", name, len(roles.Items))
						}
					}
					return nil
				},
			},
		},
	})
}

// TestAccHubURLFollowsTheLoadBalancer: without a domain, url is the proxy's
// external address. Created before the cloud gives one, it is null; refresh
// fills it in when the address comes, with nothing to apply; a later change
// to the hub plans url as unknown and applies consistently.
func TestAccHubURLFollowsTheLoadBalancer(t *testing.T) {
	e := newHubEnv(t)
	assignAddress := func(ip string) {
		svc, err := e.client.CoreV1().Services(e.ns).Get(e.ctx, "proxy-public", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip}}
		if _, err := e.client.CoreV1().Services(e.ns).UpdateStatus(e.ctx, svc, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(hubAddr, tfjsonpath.New("url")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.Null()),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("health_check_url"), knownvalue.Null()),
				},
			},
			{
				// The cloud gives the LoadBalancer its address.
				PreConfig: func() { assignAddress("203.0.113.9") },
				Config:    hubConfig(e, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("http://203.0.113.9/")),
				},
			},
			{
				// A change to the hub: url may change at apply, so it is unknown in the plan.
				Config: hubConfig(e, `  culling = { enabled = true, timeout = 1800 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(hubAddr, tfjsonpath.New("url")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("http://203.0.113.9/")),
				},
			},
			{
				// The address changes; refresh follows it.
				PreConfig: func() { assignAddress("203.0.113.10") },
				Config:    hubConfig(e, `  culling = { enabled = true, timeout = 1800 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("http://203.0.113.10/")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("health_check_url"), knownvalue.StringExact("http://203.0.113.10/hub/health")),
				},
			},
		},
	})
}

// TestAccHubImageThatDoesNotPull: a misspelled user image leaves the chart's
// image puller hook waiting; the apply fails naming the hook, the image and
// the nodes it does not pull on, removes the failed install, and the next
// apply with the right image works.
func TestAccHubImageThatDoesNotPull(t *testing.T) {
	e := newHubEnv(t)
	bad := "registry.invalid/jupyter/scipy-notebok:2025-01-06"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, fmt.Sprintf(`  image = %q
  timeouts = { create = "30s" }`, bad)),
				ExpectError: regexp.MustCompile(`Hub ` + regexp.QuoteMeta(e.ns+"/"+e.name) + ` did not become ready(.|\n)*` +
					`pre-install\s+hook\s+Job\s+hook-image-awaiter\s+did\s+not\s+complete(.|\n)*` +
					`DaemonSet\s+hook-image-puller(.|\n)*ErrImagePull(.|\n)*` +
					`Image\s+` + regexp.QuoteMeta(bad) + `\s+does\s+not\s+pull\s+\(ErrImagePull\)\s+on\s+nodes\s+core-0,\s+user-0(.|\n)*` +
					`failed\s+install\s+was\s+removed`),
			},
			{
				Config: hubConfig(e, `  image = "quay.io/jupyter/scipy-notebook:2025-01-06"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// TestAccHubClusterLostMidUpgrade kills the API server while an upgrade waits
// for the hub: the error says the cluster stopped answering, at which step,
// that nothing was rolled back and that the next apply repairs it; once the
// server is back, the next apply does, with no helm command.
func TestAccHubClusterLostMidUpgrade(t *testing.T) {
	e := newHubEnv(t)
	good := hubConfig(e, `  image = "quay.io/jupyter/base-notebook:2025-01-06"`)
	stuck := hubConfig(e, `  image = "quay.io/jupyter/base-notebook:2025-01-06"
  extra_values = yamlencode({ hub = { nodeSelector = { pool = "nowhere" } } })`)
	restarted := true
	t.Cleanup(func() {
		if !restarted {
			_ = e.cp.StartAPIServer(context.Background())
		}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: good},
			{
				// Once the upgraded hub's pod is Pending and the provider
				// watches the Deployments, the upgrade waits for it: kill the
				// API server then. (The pod alone is not enough: it can be
				// Pending while Helm still applies the StatefulSets.)
				PreConfig: func() {
					restarted = false
					go func() {
						for {
							pending, err := pendingPod(e.ctx, e.client, e.ns, "nowhere")
							if err != nil {
								return
							}
							if watches, err := e.cp.NamespacedWatches(e.ctx, "deployments"); err == nil && pending && watches > 0 {
								e.cp.StopAPIServer()
								return
							}
							time.Sleep(100 * time.Millisecond)
						}
					}()
				},
				Config: stuck,
				ExpectError: regexp.MustCompile(`The cluster stopped answering while applying hub ` + regexp.QuoteMeta(e.ns+"/"+e.name) +
					`(.|\n)*stopped\s+answering\s+while\s+waiting\s+for\s+the\s+Deployments(.|\n)*connection\s+refused(.|\n)*` +
					`Nothing\s+could\s+be\s+rolled\s+back(.|\n)*next\s+apply(.|\n)*repairs\s+it`),
			},
			{
				PreConfig: func() {
					if err := e.cp.StartAPIServer(e.ctx); err != nil {
						t.Fatal(err)
					}
					restarted = true
					if info := e.latest(t); info.Status != "pending-upgrade" {
						t.Fatalf("after losing the cluster mid-upgrade the release is %s, want pending-upgrade", info.Status)
					}
				},
				Config: good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The pending release is repaired: an update, no manual step.
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if info := e.latest(t); !info.Deployed() || info.Config["hub"].(map[string]any)["nodeSelector"] != nil {
						return fmt.Errorf("after the repair: %+v", info)
					}
					return nil
				},
			},
			{Config: good, PlanOnly: true},
		},
	})
}

// TestAccHubAfterHelmUninstallKeepHistory: `helm uninstall --keep-history`
// leaves an uninstalled revision; the plan re-creates the hub and the apply
// installs it over that history.
func TestAccHubAfterHelmUninstallKeepHistory(t *testing.T) {
	e := newHubEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: hubConfig(e, "")},
			{
				PreConfig: func() {
					un := action.NewUninstall(helmCLIConfig(t, e.cp, e.ns))
					un.KeepHistory = true
					if _, err := un.Run(e.name); err != nil {
						t.Fatal(err)
					}
				},
				Config: hubConfig(e, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("status"), knownvalue.StringExact("deployed")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

// TestAccHubImportLeavesSecretsOut installs a hub the way the z2jh docs teach,
// secrets in its values, and imports it with generated configuration: no
// secret reaches the generated HCL's extra_values, the plan or the state.
func TestAccHubImportLeavesSecretsOut(t *testing.T) {
	e := newHubEnv(t)
	secrets := []string{"gh-client-s3cret", "db-pa55word", "grader-t0ken"}
	values := map[string]any{
		"hub": map[string]any{
			"config": map[string]any{
				"JupyterHub":           map[string]any{"authenticator_class": "github"},
				"GitHubOAuthenticator": map[string]any{"client_id": "Iv1.abc", "client_secret": secrets[0], "oauth_callback_url": "https://hub.example.org/hub/oauth_callback"},
			},
			"db":       map[string]any{"password": secrets[1]},
			"services": map[string]any{"grader": map[string]any{"apiToken": secrets[2]}},
		},
		"singleuser": map[string]any{"defaultUrl": "/lab"},
	}
	install := action.NewInstall(helmCLIConfig(t, e.cp, e.ns))
	install.ReleaseName, install.Namespace = e.name, e.ns
	if _, err := install.Run(realChart(t), values); err != nil {
		t.Fatalf("helm install: %v", err)
	}
	imported := "twoi2chub_hub.imported"
	inPlan := noneInPlan{"a secret from the release's values", func() []string { return secrets }}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          providerKubeconfig(e.cp),
			ResourceName:    imported,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   e.ns + "/" + e.name,
			GenerateConfig:  true,
			// The configuration holds no secrets, so applying it would take
			// them out of the release (Read warns so): an update.
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(imported, plancheck.ResourceActionUpdate),
				inPlan,
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("extra_values"), knownvalue.StringRegexp(regexp.MustCompile(`client_id: Iv1.abc`))),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("user_servers").AtMapKey("default_url"), knownvalue.StringExact("/lab")),
			}},
		}},
	})

	// What a person sees: the CLI's generated file holds no secret, and the
	// plan warns which settings were left out and how to keep them.
	w := newCLIWorkdir(t, e.cp.KubeconfigPath)
	w.writeConfig(fmt.Sprintf(`
import {
  to = twoi2chub_hub.imported
  id = "%s/%s"
}
`, e.ns, e.name))
	cmd, out := w.command(e.ctx, "plan", "-generate-config-out=generated.tf", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Fatalf("plan with generated configuration: %v\n%s", err, out)
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"Secrets left out of extra_values", "hub.config.GitHubOAuthenticator.client_secret, hub.db.password, hub.services.grader.apiToken",
		"applying this configuration removes them from the release", "twoi2chub_auth"} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range secrets {
		if strings.Contains(string(generated)+out.String(), secret) {
			t.Errorf("the generated configuration or the plan holds %q", secret)
		}
	}
}

// TestAccHubChartThatCannotRender: values the chart's schema accepts but its
// templates cannot render (a digest in the image name with an empty tag,
// written by hand in extra_values) fail the plan, saying the chart could not
// be rendered, before anything reaches the cluster.
func TestAccHubChartThatCannotRender(t *testing.T) {
	e := newHubEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: hubConfig(e, fmt.Sprintf(`  extra_values = yamlencode({ singleuser = { image = { name = "registry.example.org/env@sha256:%s", tag = "" } } })`,
				strings.Repeat("0", 64))),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`The hub chart cannot be rendered with these settings(.|\n)*jupyterhub\s+4.4.0(.|\n)*image-puller(.|\n)*Nothing\s+was\s+changed\s+in\s+the\s+cluster`),
		}},
	})
}

// pendingPod tells whether a Pod selecting the node pool "pool" is Pending in ns.
func pendingPod(ctx context.Context, client kubernetes.Interface, ns, pool string) (bool, error) {
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err
	}
	for _, p := range pods.Items {
		if p.Spec.NodeSelector["pool"] == pool && p.Status.Phase == corev1.PodPending {
			return true, nil
		}
	}
	return false, nil
}
