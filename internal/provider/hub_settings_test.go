package provider

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"helm.sh/helm/v3/pkg/action"
	"sigs.k8s.io/yaml"
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
