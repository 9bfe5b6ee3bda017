package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// networkPolicies lists the NetworkPolicies the hub's release made.
func (e *hubEnv) networkPolicies(t *testing.T) string {
	t.Helper()
	list, err := e.client.NetworkingV1().NetworkPolicies(e.ns).List(e.ctx, metav1.ListOptions{LabelSelector: "release=" + e.name})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// TestAccHubSecurityDefaults: a hub that says nothing shows z2jh's security
// defaults in its plan and runs them (the NetworkPolicies exist); changing
// them changes the release, imports back to the typed attributes, and a
// `helm upgrade` that changes them shows in the next plan.
func TestAccHubSecurityDefaults(t *testing.T) {
	e := newHubEnv(t)
	relaxed := hubConfig(e, `
  network_policy       = { users_egress_private_ips = true, proxy = false }
  block_cloud_metadata = false`)
	defaultPolicy := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"hub": knownvalue.Bool(true), "proxy": knownvalue.Bool(true), "users": knownvalue.Bool(true),
		"users_egress_internet": knownvalue.Bool(true), "users_egress_private_ips": knownvalue.Bool(false),
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hubConfig(e, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("network_policy"), defaultPolicy),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("block_cloud_metadata"), knownvalue.Bool(true)),
				}},
				Check: func(*terraform.State) error {
					if got := e.networkPolicies(t); got != "hub,proxy,singleuser" {
						return fmt.Errorf("network policies %q, want the hub's, the proxy's and the users'", got)
					}
					return nil
				},
			},
			// A default hub imports to the defaults.
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
			{
				Config: relaxed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("network_policy").AtMapKey("users_egress_private_ips"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(hubAddr, tfjsonpath.New("network_policy").AtMapKey("users"), knownvalue.Bool(true)),
				}},
				Check: func(*terraform.State) error {
					if got := e.networkPolicies(t); got != "hub,singleuser" {
						return fmt.Errorf("network policies %q with the proxy's off", got)
					}
					su := e.latest(t).Config["singleuser"].(map[string]any)
					if fmt.Sprint(su["cloudMetadata"]) != "map[blockWithIptables:false]" ||
						fmt.Sprint(su["networkPolicy"]) != "map[egressAllowRules:map[cloudMetadataServer:true privateIPs:true]]" {
						return fmt.Errorf("deployed singleuser values %v", su)
					}
					return nil
				},
			},
			{ResourceName: hubAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + e.name,
				ImportStateVerifyIgnore: []string{"chart_repository"}},
			{
				// `helm upgrade --reuse-values --set singleuser.networkPolicy.enabled=false`
				PreConfig: func() {
					e.helmUpgradeReusing(t, map[string]any{"singleuser": map[string]any{"networkPolicy": map[string]any{"enabled": false}}})
				},
				Config: relaxed,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					changeOf{hubAddr, "network_policy",
						map[string]any{"hub": true, "proxy": false, "users": false, "users_egress_internet": true, "users_egress_private_ips": true},
						map[string]any{"hub": true, "proxy": false, "users": true, "users_egress_internet": true, "users_egress_private_ips": true}},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("network_policy").AtMapKey("users"), knownvalue.Bool(true)),
				},
			},
		},
	})
}
