package provider

import (
	"fmt"
	"regexp"
	"testing"

	"cloud.google.com/go/container/apiv1/containerpb"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"google.golang.org/api/option"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools/gkestandin"
)

// TestAccHubProfilesAgainstGKEPools: a provider told its cluster is a GKE
// cluster reads the node pools (from a stand-in of the GKE and Compute APIs
// on loopback) when a hub's settings change, and fails the plan at a
// profile that asks more than its pool's machines have; a no-op plan reads
// nothing from them.
func TestAccHubProfilesAgainstGKEPools(t *testing.T) {
	e := newHubEnv(t)
	cluster := gkepools.Cluster{Project: "hackweek-hub", Location: "us-central1", Name: "hackweek"}
	s := gkestandin.Serve(t, &gkestandin.StandIn{Cluster: cluster,
		NodePools: []*containerpb.NodePool{{Name: "nb-small", Locations: []string{"us-central1-b"},
			Autoscaling: &containerpb.NodePoolAutoscaling{Enabled: true, MinNodeCount: 0, MaxNodeCount: 20},
			Config:      &containerpb.NodeConfig{MachineType: "n2-highmem-4", Labels: map[string]string{"hub.jupyter.org/node-purpose": "user"}}}},
		MachineTypes: map[string][2]int32{"n2-highmem-4": {4, 32768}},
	})
	gkeClientOptions = func() ([]option.ClientOption, []option.ClientOption) { return s.Options() }
	t.Cleanup(func() { gkeClientOptions = nil })

	config := func(memory string) string {
		return fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = { config_path = %q }
  gke        = { project = %q, location = %q, cluster = %q }
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  profiles = [{
    display_name     = "Large"
    memory_guarantee = %q
    node_selector    = { "cloud.google.com/gke-nodepool" = "nb-small" }
  }]
}
`, e.cp.KubeconfigPath, cluster.Project, cluster.Location, cluster.Name, e.name, e.ns, e.repo, memory)
	}
	var afterApply int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// 48G of a pool of 32 GiB machines: never schedulable, and no Node says so (the pool is at zero).
				Config:      config("48G"),
				ExpectError: regexp.MustCompile(`(?s)profiles\[0\]\.memory_guarantee.*Profile larger than its node pools' machines.*asks for memory 48G.*nb-small \(n2-highmem-4, 4 CPUs, 32.0 GiB`),
			},
			{
				Config: config("16G"),
				Check: func(*terraform.State) error {
					// The failed plan read them, and so did this change's plan.
					if afterApply = s.PoolLists.Load(); afterApply < 2 {
						return fmt.Errorf("node pools listed %d times, want at least 2", afterApply)
					}
					return nil
				},
			},
			{
				Config:           config("16G"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if got := s.PoolLists.Load(); got != afterApply {
						return fmt.Errorf("no-op plans listed node pools %d times", got-afterApply)
					}
					return nil
				},
			},
		},
	})
}
