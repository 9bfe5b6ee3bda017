package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"helm.sh/helm/v3/pkg/action"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

// Acceptance tests of the everyday settings (issue 11): each is deployed on
// the real chart, imported back to its typed attribute (not extra_values),
// and a change made with plain helm shows in the next plan.

// deployedValues are the values of the hub's latest release.
func (e *hubEnv) deployedValues(t *testing.T) map[string]any {
	t.Helper()
	return e.latest(t).Config
}

// expectDeployed checks values in the release: each key is a dotted path
// (a.b.c) and the value what YAML would write there.
func (e *hubEnv) expectDeployed(t *testing.T, want map[string]string) error {
	t.Helper()
	cfg := e.deployedValues(t)
	for path, wantYAML := range want {
		var cur any = cfg
		for _, k := range splitDotted(path) {
			m, _ := cur.(map[string]any)
			cur = m[k]
		}
		var w any
		if err := yaml.Unmarshal([]byte(wantYAML), &w); err != nil {
			return fmt.Errorf("bad expectation for %s: %v", path, err)
		}
		got, _ := yaml.Marshal(cur)
		exp, _ := yaml.Marshal(w)
		if !reflect.DeepEqual(got, exp) {
			return fmt.Errorf("deployed %s is\n%s\nwant\n%s", path, got, exp)
		}
	}
	return nil
}

// splitDotted splits a.b.c, where a key may be quoted with [..]: a["b.c"].
func splitDotted(p string) []string {
	var out []string
	cur := ""
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '.':
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
		case p[i] == '[' && i+1 < len(p) && p[i+1] == '"':
			if cur != "" {
				out = append(out, cur)
			}
			j := i + 2
			for j < len(p) && p[j] != '"' {
				j++
			}
			out = append(out, p[i+2:j])
			cur, i = "", j+1
		default:
			cur += string(p[i])
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// helmUpgradeReusing is `helm upgrade --reuse-values` with values on top.
func (e *hubEnv) helmUpgradeReusing(t *testing.T, values map[string]any) {
	t.Helper()
	up := action.NewUpgrade(helmCLIConfig(t, e.cp, e.ns))
	up.ReuseValues = true
	if _, err := up.Run(e.name, realChart(t), values); err != nil {
		t.Fatalf("helm upgrade: %v", err)
	}
}

// importVerified is an import step whose state must equal the applied one:
// every setting read back to its typed attribute, nothing in extra_values.
func importVerified(e *hubEnv) resource.TestStep {
	return resource.TestStep{
		ResourceName:            hubAddr,
		ImportState:             true,
		ImportStateVerify:       true,
		ImportStateId:           e.ns + "/" + e.name,
		ImportStateVerifyIgnore: []string{"chart_repository"},
	}
}

// TestAccHubLimits: server limits, named servers and every cull option are
// deployed, imported to their attributes and show drift.
func TestAccHubLimits(t *testing.T) {
	e := newHubEnv(t)
	config := hubConfig(e, `
  limits        = { active_servers = 200, concurrent_spawns = 20 }
  named_servers = { enabled = true, limit_per_user = 3 }
  culling = {
    enabled              = true
    timeout              = 1800
    every                = 300
    max_age              = 28800
    concurrency          = 5
    users                = false
    admin_users          = false
    remove_named_servers = true
  }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					return e.expectDeployed(t, map[string]string{
						"hub.activeServerLimit": "200", "hub.concurrentSpawnLimit": "20",
						"hub.allowNamedServers": "true", "hub.namedServerLimitPerUser": "3",
						"cull": "{enabled: true, timeout: 1800, every: 300, maxAge: 28800, concurrency: 5, users: false, adminUsers: false, removeNamedServers: true}",
					})
				},
			},
			importVerified(e),
			{
				// helm upgrade --reuse-values --set hub.activeServerLimit=50,cull.concurrency=2
				PreConfig: func() {
					e.helmUpgradeReusing(t, map[string]any{"hub": map[string]any{"activeServerLimit": 50}, "cull": map[string]any{"concurrency": 2}})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					changeOf{hubAddr, "limits", map[string]any{"active_servers": 50, "concurrent_spawns": 20}, map[string]any{"active_servers": 200, "concurrent_spawns": 20}},
					changeOf{hubAddr, "extra_values", nil, nil},
				}},
				Check: func(*terraform.State) error {
					return e.expectDeployed(t, map[string]string{"hub.activeServerLimit": "200", "cull.concurrency": "5"})
				},
			},
		},
	})
}

// userServersBody sets every attribute of user_servers, with NFS homes so
// that the volume lists hold the home directory and two more folders.
const userServersBody = `
  storage = { type = "nfs", nfs_server = "10.0.0.2", nfs_path = "/homes" }
  user_servers = {
    default_url      = "/lab"
    start_timeout    = 600
    cpu_guarantee    = 0.5
    cpu_limit        = 2
    memory_guarantee = "1G"
    memory_limit     = "4G"
    environment      = { JUPYTERHUB_SINGLEUSER_APP = "jupyter_server.serverapp.ServerApp" }
    environment_from_secrets = {
      GITHUB_TOKEN = { secret_name = "course-github", key = "token" }
    }
    volumes = [
      { name = "shared-data", mount_path = "/home/jovyan/shared-data", read_only = true, nfs = { server = "10.0.0.2", path = "/data" } },
      { name = "group", mount_path = "/home/jovyan/group", claim_name = "group-rwx" },
    ]
    init_containers = [{
      name          = "home-ownership"
      image         = "busybox:1.36"
      command       = ["sh", "-c", "chown 1000:100 /home/jovyan"]
      run_as_user   = 0
      volume_mounts = [{ name = "home", mount_path = "/home/jovyan", sub_path = "{username}" }]
    }]
    lifecycle_hooks = {
      post_start = ["gitpuller", "https://github.com/example/course", "main", "course"]
    }
  }
  profiles = [{
    display_name     = "Large"
    memory_guarantee = "8G"
    tolerations      = [{ key = "hub.jupyter.org/dedicated", value = "user", effect = "NoSchedule" }]
    node_affinity = {
      required  = [{ key = "hub.jupyter.org/node-purpose", operator = "In", values = ["user"] }]
      preferred = [{ weight = 50, key = "cloud.google.com/gke-spot", operator = "DoesNotExist" }]
    }
    environment              = { OMP_NUM_THREADS = "4" }
    environment_from_secrets = { WANDB_API_KEY = { secret_name = "ml-course", key = "wandb" } }
    image_choices            = [{ display_name = "SciPy", image = "quay.io/jupyter/scipy-notebook:2025-01-06", default = true }]
    unlisted_image           = { display_name = "Other image", validation_regex = "^quay.io/.+:.+$" }
    options = {
      resources = {
        display_name = "Resources"
        choices = {
          small = { display_name = "2 CPU", cpu_limit = 2, memory_limit = "8G", default = true }
          large = { display_name = "4 CPU", cpu_limit = 4, memory_limit = "16G", node_selector = { pool = "highmem" }, environment = { OMP_NUM_THREADS = "8" } }
        }
      }
    }
  }]`

// TestAccHubUserServers: every user_servers setting, and a profile's
// placement, environment, free-form image field and menus of options, reach the chart's
// values (the volume lists holding the NFS home directory first), imports
// back to user_servers and storage, and drift made with helm shows there.
func TestAccHubUserServers(t *testing.T) {
	e := newHubEnv(t)
	config := hubConfig(e, userServersBody)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					return e.expectDeployed(t, map[string]string{
						"singleuser.defaultUrl":   "/lab",
						"singleuser.startTimeout": "600",
						"singleuser.cpu":          "{guarantee: 0.5, limit: 2}",
						"singleuser.memory":       "{guarantee: 1G, limit: 4G}",
						"singleuser.extraEnv": `{JUPYTERHUB_SINGLEUSER_APP: jupyter_server.serverapp.ServerApp,
						  GITHUB_TOKEN: {valueFrom: {secretKeyRef: {name: course-github, key: token}}}}`,
						"singleuser.storage.extraVolumes": `[{name: home-nfs, nfs: {server: 10.0.0.2, path: /homes}},
						  {name: shared-data, nfs: {server: 10.0.0.2, path: /data}}, {name: group, persistentVolumeClaim: {claimName: group-rwx}}]`,
						"singleuser.storage.extraVolumeMounts": `[{name: home-nfs, mountPath: /home/jovyan, subPath: "{username}"},
						  {name: shared-data, mountPath: /home/jovyan/shared-data, readOnly: true}, {name: group, mountPath: /home/jovyan/group}]`,
						"singleuser.initContainers": `[{name: home-ownership, image: "busybox:1.36", command: [sh, -c, "chown 1000:100 /home/jovyan"],
						  securityContext: {runAsUser: 0}, volumeMounts: [{name: home-nfs, mountPath: /home/jovyan, subPath: "{username}"}]}]`,
						"singleuser.lifecycleHooks": `{postStart: {exec: {command: [gitpuller, "https://github.com/example/course", main, course]}}}`,
						"singleuser.profileList": `[{display_name: Large, slug: large,
						  kubespawner_override: {mem_guarantee: 8G,
						    tolerations: [{key: hub.jupyter.org/dedicated, operator: Equal, value: user, effect: NoSchedule}],
						    node_affinity_required: [{matchExpressions: [{key: hub.jupyter.org/node-purpose, operator: In, values: [user]}]}],
						    node_affinity_preferred: [{weight: 50, preference: {matchExpressions: [{key: cloud.google.com/gke-spot, operator: DoesNotExist}]}}],
						    environment: {OMP_NUM_THREADS: "4", WANDB_API_KEY: {valueFrom: {secretKeyRef: {name: ml-course, key: wandb}}}}},
						  profile_options: {image: {display_name: Image,
						    choices: {scipy: {display_name: SciPy, default: true, kubespawner_override: {image: "quay.io/jupyter/scipy-notebook:2025-01-06"}}},
						    unlisted_choice: {enabled: true, display_name: Other image, validation_regex: "^quay.io/.+:.+$", kubespawner_override: {image: "{value}"}}},
						    resources: {display_name: Resources, choices: {
						      small: {display_name: 2 CPU, default: true, kubespawner_override: {cpu_limit: 2, mem_limit: 8G}},
						      large: {display_name: 4 CPU, kubespawner_override: {cpu_limit: 4, mem_limit: 16G, node_selector: {pool: highmem},
						        environment: {OMP_NUM_THREADS: "8"}}}}}}}]`,
					})
				},
			},
			importVerified(e),
			{
				// helm upgrade --reuse-values --set singleuser.defaultUrl=/tree,singleuser.extraEnv.COURSE=ds101
				PreConfig: func() {
					e.helmUpgradeReusing(t, map[string]any{"singleuser": map[string]any{"defaultUrl": "/tree", "extraEnv": map[string]any{"COURSE": "ds101"}}})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("user_servers").AtMapKey("default_url"), knownvalue.StringExact("/lab")),
					changeOf{hubAddr, "extra_values", nil, nil},
					userServersBefore{"default_url", "/tree"},
					userServersBefore{"environment", map[string]any{"COURSE": "ds101", "JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp"}},
				}},
				Check: func(*terraform.State) error {
					return e.expectDeployed(t, map[string]string{"singleuser.defaultUrl": "/lab", "singleuser.extraEnv.COURSE": "null"})
				},
			},
		},
	})
}

// userServersBefore checks one user_servers attribute as refresh read it
// from the release (the plan's "before").
type userServersBefore struct {
	attribute string
	want      any
}

func (c userServersBefore) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != hubAddr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		us, _ := before["user_servers"].(map[string]any)
		if fmt.Sprint(us[c.attribute]) != fmt.Sprint(c.want) {
			resp.Error = fmt.Errorf("user_servers.%s read back as %v, want %v", c.attribute, us[c.attribute], c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("no planned change for %s", hubAddr)
}

// TestAccHubProfilesMustFitNodes: a profile pinned to a node pool whose
// nodes are too small fails at plan at the profile's attribute, from the
// test bed's kwok nodes; the nodes are read only when the hub's settings
// change, so a node shrinking under an unchanged hub leaves the plan empty,
// and the next change of settings finds it.
func TestAccHubProfilesMustFitNodes(t *testing.T) {
	e := newHubEnv(t)
	nodeName := e.name + "-pool-0"
	// Tainted so that no other test's pods land there.
	e.cp.AddNode(t, testbed.Node{Name: nodeName, Purpose: "user", CPU: "4", Memory: "16Gi",
		Taints: []corev1.Taint{{Key: "twoi2chub.test/pool", Value: e.name, Effect: corev1.TaintEffectNoSchedule}}})
	config := func(memory, description string) string {
		return hubConfig(e, fmt.Sprintf(`
  profiles = [{
    display_name     = "Pinned"
    description      = %q
    memory_guarantee = %q
    node_selector    = { "kubernetes.io/hostname" = %q }
    tolerations      = [{ key = "twoi2chub.test/pool", operator = "Exists" }]
  }]`, description, memory, nodeName))
	}
	tooBig := regexp.MustCompile(`No node big enough for profile "Pinned" at\s+profiles\[0\]\.memory_guarantee(.|\n)*asks for 8G of memory(.|\n)*the most any has is 4Gi`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("32G", "One node"),
				ExpectError: regexp.MustCompile(`No node big enough for profile "Pinned" at\s+profiles\[0\]\.memory_guarantee(.|\n)*asks for 32G of memory(.|\n)*the most any has is 16Gi`),
			},
			{Config: config("8G", "One node")},
			{
				// The pool's nodes shrink; the hub's settings do not change.
				PreConfig: func() { e.cp.SetNodeMemory(t, nodeName, "4Gi") },
				Config:    config("8G", "One node"),
				PlanOnly:  true,
			},
			{Config: config("8G", "One smaller node"), ExpectError: tooBig},
		},
	})
}
