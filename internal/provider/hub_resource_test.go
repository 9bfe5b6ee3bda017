package provider

import (
	"context"
	"encoding/json"
	"fmt"
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
	"helm.sh/helm/v3/pkg/chart"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	resourceapi "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

const hubAddr = "twoi2chub_hub.test"

// hubConfig is a provider block and the env's hub from the real chart, with
// body added inside the resource.
func hubConfig(e *hubEnv, body string) string {
	return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
%s
}
`, e.name, e.ns, e.repo, body)
}

type hubEnv struct {
	cp       *testbed.ControlPlane
	ns       string
	name     string // the hub's release name
	repo     string // the real chart's repository
	client   kubernetes.Interface
	releases *release.Client
	ctx      context.Context
}

func newHubEnv(t *testing.T) *hubEnv {
	t.Helper()
	cp := testAccPreCheck(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := release.New(cp.RESTConfig(), cs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	ns := cp.Namespace(t)
	return &hubEnv{cp: cp, ns: ns, name: hubName(ns), repo: requireRealChart(t), client: cs, releases: rc, ctx: ctx}
}

func (e *hubEnv) latest(t *testing.T) *release.Info {
	t.Helper()
	info, err := e.releases.Latest(e.ctx, e.ns, e.name)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// hubSecrets are the secrets the chart generated for the hub.
func (e *hubEnv) hubSecrets(t *testing.T) []string {
	t.Helper()
	s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range []string{"hub.config.ConfigurableHTTPProxy.auth_token", "hub.config.JupyterHub.cookie_secret"} {
		if v := string(s.Data[k]); len(v) >= 32 {
			out = append(out, v)
		} else {
			t.Fatalf("secret key %s holds %q", k, v)
		}
	}
	return out
}

// noneInState fails when the state JSON holds any of the strings.
type noneInState struct {
	what    string
	strings func() []string
}

func (c noneInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range c.strings() {
		if strings.Contains(string(data), s) {
			resp.Error = fmt.Errorf("state holds %s %q", c.what, s)
			return
		}
	}
}

// noneInPlan fails when the plan JSON holds any of the strings.
type noneInPlan struct {
	what    string
	strings func() []string
}

func (c noneInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	data, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	for _, s := range c.strings() {
		if i := strings.Index(string(data), s); i >= 0 {
			resp.Error = fmt.Errorf("plan holds %s %q: ...%s...", c.what, s, string(data)[max(0, i-300):i])
			return
		}
	}
}

// changeOf checks one attribute's before and after values in a planned update.
type changeOf struct {
	address, attribute string
	before, after      any
}

func (c changeOf) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		if fmt.Sprint(before[c.attribute]) != fmt.Sprint(c.before) || fmt.Sprint(after[c.attribute]) != fmt.Sprint(c.after) {
			resp.Error = fmt.Errorf("%s.%s planned %v -> %v, want %v -> %v", c.address, c.attribute, before[c.attribute], after[c.attribute], c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("no planned change for %s", c.address)
}

const fullHubBody = `
  image = "quay.io/jupyter/scipy-notebook:2025-01-06"
  profiles = [
    {
      display_name     = "Small"
      description      = "1 CPU, 2 GB"
      default          = true
      cpu_limit        = 1
      memory_guarantee = "1G"
      memory_limit     = "2G"
    },
    {
      display_name = "GPU"
      memory_limit = "16Gi"
      gpu = {
        count       = 1
        tolerations = [{ key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" }]
      }
    },
  ]
  storage = {
    type     = "dynamic"
    capacity = "20Gi"
  }
  culling = {
    enabled = true
    timeout = 1800
  }
  admin_users = ["ada"]
  node_purpose = {
    core = "require"
  }
  user_servers = { default_url = "/lab" }
  extra_values = yamlencode({ singleuser = { extraLabels = { course = "ds101" } } })
`

// TestAccHubLifecycle creates a minimal hub, imports it, upgrades it with
// typed settings, and checks that generated secrets and rendered values never
// reach the plan or the state.
func TestAccHubLifecycle(t *testing.T) {
	e := newHubEnv(t)
	var secrets []string
	secretValues := func() []string { return secrets }
	renderedOnly := func() []string { return []string{"profileList", "kubespawner_override", "matchNodePurpose"} }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("values_checksum"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("app_version"), knownvalue.StringExact("5.5.0")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("id"), knownvalue.StringExact(e.ns+"/"+e.name)),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("status"), knownvalue.StringExact("deployed")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("chart_version"), knownvalue.StringExact("4.4.0")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("app_version"), knownvalue.StringExact("5.5.0")),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.Null()),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("delete_user_data"), knownvalue.Bool(false)),
				},
				Check: func(*terraform.State) error {
					secrets = e.hubSecrets(t)
					return nil
				},
			},
			{
				ResourceName:            hubAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateId:           e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"},
			},
			{
				Config: hubConfig(e, fullHubBody+`
  domain = "hub.example.org"
  https = {
    mode          = "letsencrypt"
    contact_email = "it@example.org"
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(hubAddr, tfjsonpath.New("release_revision")),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("https://hub.example.org/")),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("profiles").AtSliceIndex(1).AtMapKey("memory_limit"), knownvalue.StringExact("16Gi")),
					noneInPlan{"a generated hub secret", secretValues},
					noneInPlan{"rendered chart values", renderedOnly},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("url"), knownvalue.StringExact("https://hub.example.org/")),
					noneInState{"a generated hub secret", secretValues},
					noneInState{"rendered chart values", renderedOnly},
				},
				Check: func(*terraform.State) error {
					if got := e.hubSecrets(t); strings.Join(got, ",") != strings.Join(secrets, ",") {
						return fmt.Errorf("the generated secrets changed on upgrade")
					}
					cfg := e.latest(t).Config
					su, _ := cfg["singleuser"].(map[string]any)
					if list, _ := su["profileList"].([]any); len(list) != 2 || su["defaultUrl"] != "/lab" || su["extraLabels"] == nil {
						return fmt.Errorf("deployed values lack the profiles or extra values: %v", su)
					}
					return nil
				},
			},
			{
				ResourceName:      hubAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     e.ns + "/" + e.name,
				// chart_repository is not recorded in a release; extra_values is
				// compared as YAML by the provider, not as text (see
				// TestAccHubImportGeneratesConfig for a plan with no changes).
				ImportStateVerifyIgnore: []string{"chart_repository", "extra_values"},
			},
		},
	})
}

// TestAccHubDrift changes the release behind Terraform's back in each way a
// person can, and checks that the next plan shows it.
func TestAccHubDrift(t *testing.T) {
	e := newHubEnv(t)
	config := hubConfig(e, `
  image = "quay.io/jupyter/base-notebook:2025-01-06"
  culling = { enabled = true, timeout = 3600 }`)
	helmUpgrade := func(values map[string]any) {
		cfg := helmCLIConfig(t, e.cp, e.ns)
		up := action.NewUpgrade(cfg)
		up.ReuseValues = true
		if _, err := up.Run(e.name, realChart(t), values); err != nil {
			t.Fatalf("helm upgrade: %v", err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// `helm upgrade --reuse-values --set singleuser.image.tag=...,cull.timeout=60`
				PreConfig: func() {
					helmUpgrade(map[string]any{
						"singleuser": map[string]any{"image": map[string]any{"tag": "2024-01-01"}},
						"cull":       map[string]any{"timeout": 60},
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					changeOf{hubAddr, "image", "quay.io/jupyter/base-notebook:2024-01-01", "quay.io/jupyter/base-notebook:2025-01-06"},
					changeOf{hubAddr, "culling", cullingPlanned(60), cullingPlanned(3600)},
				}},
				Check: func(*terraform.State) error {
					if tag := e.latest(t).Config["singleuser"].(map[string]any)["image"].(map[string]any)["tag"]; tag != "2025-01-06" {
						return fmt.Errorf("apply did not restore the image tag: %v", tag)
					}
					return nil
				},
			},
			{
				// An extra value that has no typed attribute shows in extra_values.
				PreConfig: func() {
					helmUpgrade(map[string]any{"singleuser": map[string]any{"extraLabels": map[string]any{"course": "ds101"}}})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					changeOf{hubAddr, "extra_values", "singleuser:\n  extraLabels:\n    course: ds101\n", nil},
				}},
			},
			{
				// `helm uninstall hub`
				PreConfig: func() {
					if _, err := action.NewUninstall(helmCLIConfig(t, e.cp, e.ns)).Run(e.name); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				// `kubectl delete namespace`
				PreConfig: func() { deleteNamespace(t, e) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}

// cullingPlanned is the culling object of a plan with only a timeout set.
func cullingPlanned(timeout int) map[string]any {
	return map[string]any{"enabled": true, "timeout": timeout, "every": nil, "max_age": nil, "users": nil,
		"admin_users": nil, "remove_named_servers": nil, "concurrency": nil}
}

func deleteNamespace(t *testing.T, e *hubEnv) {
	t.Helper()
	if err := e.client.CoreV1().Namespaces().Delete(e.ctx, e.ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := e.client.CoreV1().Namespaces().Get(e.ctx, e.ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		select {
		case <-e.ctx.Done():
			t.Fatal("namespace never went away")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// helmCLIConfig is Helm's action configuration built the way the helm CLI
// builds it from a kubeconfig: what a person running `helm` would use.
func helmCLIConfig(t *testing.T, cp *testbed.ControlPlane, ns string) *action.Configuration {
	t.Helper()
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Namespace = &cp.KubeconfigPath, &ns
	cfg := new(action.Configuration)
	if err := cfg.Init(flags, ns, "secret", t.Logf); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// realChart is the real chart, as a person running `helm` would install it.
func realChart(t *testing.T) *chart.Chart { return z2jhtest.Chart(t) }

// TestAccHubImportGeneratesConfig installs a hub with plain Helm, with values
// a community might have written by hand, then imports it with an import
// block and `plan -generate-config-out`: the generated HCL must plan with no
// changes, typed settings must be recognised and the rest land in extra_values.
func TestAccHubImportGeneratesConfig(t *testing.T) {
	e := newHubEnv(t)
	values := map[string]any{
		"singleuser": map[string]any{
			"image":      map[string]any{"name": "quay.io/jupyter/datascience-notebook", "tag": "2024-10-07"},
			"storage":    map[string]any{"type": "dynamic", "capacity": "20Gi"},
			"defaultUrl": "/lab",
			"profileList": []any{
				map[string]any{"display_name": "Small", "slug": "small", "default": true,
					"kubespawner_override": map[string]any{"cpu_limit": 1, "mem_limit": "2G"}},
			},
		},
		"cull": map[string]any{"enabled": true, "timeout": 1800, "every": 300},
		"hub": map[string]any{"config": map[string]any{
			"Authenticator": map[string]any{"admin_users": []any{"ada", "grace"}},
			"JupyterHub":    map[string]any{"admin_access": false},
		}},
		"scheduling": map[string]any{"userPods": map[string]any{"nodeAffinity": map[string]any{"matchNodePurpose": "require"}}},
	}
	install := action.NewInstall(helmCLIConfig(t, e.cp, e.ns))
	install.ReleaseName, install.Namespace = e.name, e.ns
	if _, err := install.Run(realChart(t), values); err != nil {
		t.Fatalf("helm install: %v", err)
	}
	imported := "twoi2chub_hub.imported"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          providerKubeconfig(e.cp),
			ResourceName:    imported,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   e.ns + "/" + e.name,
			GenerateConfig:  true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(imported, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("image"), knownvalue.StringExact("quay.io/jupyter/datascience-notebook:2024-10-07")),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("storage").AtMapKey("capacity"), knownvalue.StringExact("20Gi")),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("culling").AtMapKey("every"), knownvalue.Int64Exact(300)),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("admin_users"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("ada"), knownvalue.StringExact("grace")})),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("node_purpose").AtMapKey("user"), knownvalue.StringExact("require")),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("profiles").AtSliceIndex(0).AtMapKey("memory_limit"), knownvalue.StringExact("2G")),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("extra_values"),
					knownvalue.StringExact("hub:\n  config:\n    JupyterHub:\n      admin_access: false\n")),
				plancheck.ExpectKnownValue(imported, tfjsonpath.New("user_servers").AtMapKey("default_url"), knownvalue.StringExact("/lab")),
			}},
		}},
	})
}

// TestAccHubWaitsWithReasons: an apply whose hub cannot be scheduled fails at
// the timeout naming the Deployment, the pod's condition and the events; a
// failed upgrade is rolled back and the state keeps the last good settings.
func TestAccHubWaitsWithReasons(t *testing.T) {
	e := newHubEnv(t)
	good := hubConfig(e, `
  image = "quay.io/jupyter/base-notebook:2025-01-06"`)
	stuck := hubConfig(e, `
  image        = "quay.io/jupyter/base-notebook:2025-01-06"
  extra_values = yamlencode({ hub = { nodeSelector = { pool = "nowhere" } } })
  timeouts     = { create = "30s", update = "30s" }`)
	notReady := regexp.MustCompile(`did not become ready(.|\n)*Deployment ` + e.ns + `/hub: 0 of 1 replicas available(.|\n)*didn't(.|\n)*match(.|\n)*selector(.|\n)*FailedScheduling`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: stuck, ExpectError: notReady},
			{
				Config: good,
				Check: func(*terraform.State) error {
					if info := e.latest(t); info.Revision != 1 || !info.Deployed() {
						return fmt.Errorf("after a failed first install and a good one: %+v", info)
					}
					return nil
				},
			},
			{Config: stuck, ExpectError: notReady},
			{
				// State kept the last good settings: nothing to do.
				Config: good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					info := e.latest(t)
					if !info.Deployed() || info.Config["hub"].(map[string]any)["nodeSelector"] != nil {
						return fmt.Errorf("the failed upgrade was not rolled back: %+v", info)
					}
					return nil
				},
			},
		},
	})
}

// TestAccHubKeepsUserData destroys and re-creates a hub: users' home claims
// and the hub database claim survive, with their volumes, and are used again.
// delete_user_data = true then removes them and the namespace.
func TestAccHubKeepsUserData(t *testing.T) {
	e := newHubEnv(t)
	ns := "userdata-" + strings.ToLower(randomSuffix())
	e.ns, e.name = ns, hubName(ns)
	t.Cleanup(func() { _ = e.client.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	config := func(extra string) string { return hubConfig(e, extra) }
	uids := map[string]string{}
	claimUIDs := func() (map[string]string, error) {
		out := map[string]string{}
		for _, name := range []string{"claim-ada", "hub-db-dir"} {
			pvc, err := e.client.CoreV1().PersistentVolumeClaims(ns).Get(e.ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, err
			}
			if pvc.Status.Phase != corev1.ClaimBound {
				return nil, fmt.Errorf("claim %s is %s", name, pvc.Status.Phase)
			}
			out[name] = string(pvc.UID) + "/" + pvc.Spec.VolumeName
		}
		return out, nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check: func(*terraform.State) error {
					// A user logs in: KubeSpawner creates their home claim.
					if err := createUserClaim(e, "ada"); err != nil {
						return err
					}
					var err error
					for i := 0; i < 50; i++ {
						if uids, err = claimUIDs(); err == nil {
							return nil
						}
						time.Sleep(100 * time.Millisecond)
					}
					return err
				},
			},
			{Config: config(""), Destroy: true},
			{
				Config: config(""),
				PreConfig: func() {
					got, err := claimUIDs()
					if err != nil {
						t.Fatalf("after destroy: %v", err)
					}
					if fmt.Sprint(got) != fmt.Sprint(uids) {
						t.Fatalf("claims changed across destroy: %v -> %v", uids, got)
					}
				},
				Check: func(*terraform.State) error {
					got, err := claimUIDs()
					if err != nil {
						return err
					}
					if fmt.Sprint(got) != fmt.Sprint(uids) {
						return fmt.Errorf("the re-created hub does not use the same claims: %v -> %v", uids, got)
					}
					return nil
				},
			},
			{Config: config("  delete_user_data = true")},
			{
				Config:  config("  delete_user_data = true"),
				Destroy: true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			for i := 0; i < 100; i++ {
				_, err := e.client.CoreV1().Namespaces().Get(e.ctx, ns, metav1.GetOptions{})
				if apierrors.IsNotFound(err) {
					return nil
				}
				time.Sleep(100 * time.Millisecond)
			}
			return fmt.Errorf("namespace %s created by the provider still exists after destroy with delete_user_data", ns)
		},
	})
}

// createUserClaim makes the claim KubeSpawner makes when a user first starts a server.
func createUserClaim(e *hubEnv, user string) error {
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{
			Name: "claim-" + user,
			// The labels KubeSpawner gives a user's claim under z2jh (common_labels).
			Labels: map[string]string{"app": "jupyterhub", "component": "singleuser-storage", "hub.jupyter.org/username": user,
				"release": e.name, "app.kubernetes.io/instance": e.name, "app.kubernetes.io/managed-by": "kubespawner"},
		},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: mustQuantity("10Gi")}},
		},
	}
	_, err := e.client.CoreV1().PersistentVolumeClaims(e.ns).Create(e.ctx, pvc, metav1.CreateOptions{})
	return err
}

func mustQuantity(s string) resourceapi.Quantity { return resourceapi.MustParse(s) }

func randomSuffix() string { return fmt.Sprintf("%06x", time.Now().UnixNano()&0xffffff) }

// TestAccHubLazyConnection creates the "cluster" and the hub in one apply:
// the connection settings are unknown during plan, the plan still succeeds,
// and the hub is installed once they are known.
func TestAccHubLazyConnection(t *testing.T) {
	e := newHubEnv(t)
	config := unknownConnectionProvider(e.cp) + fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
}
`, e.name, e.ns, e.repo)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("terraform_data.cluster", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("status"), knownvalue.StringExact("deployed")),
			},
		}},
	})
}
