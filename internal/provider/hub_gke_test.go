package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"cloud.google.com/go/container/apiv1/containerpb"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"google.golang.org/api/option"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools/gkestandin"
)

// gkeStandIn serves a stand-in of the GKE and Compute Engine APIs on
// loopback for the test (not Google's service) with a core pool of one
// node and a user pool scaled to zero, and points the provider's client
// libraries at it.
func gkeStandIn(t *testing.T, cluster gkepools.Cluster) *gkestandin.StandIn {
	s := gkestandin.Serve(t, &gkestandin.StandIn{Cluster: cluster,
		NodePools: []*containerpb.NodePool{
			{Name: "core", Locations: []string{"us-central1-b"}, InitialNodeCount: 1,
				Config: &containerpb.NodeConfig{MachineType: "n2-highmem-2", Labels: map[string]string{"hub.jupyter.org/node-purpose": "core"}}},
			{Name: "nb-small", Locations: []string{"us-central1-b"},
				Autoscaling: &containerpb.NodePoolAutoscaling{Enabled: true, MinNodeCount: 0, MaxNodeCount: 20},
				Config:      &containerpb.NodeConfig{MachineType: "n2-highmem-4", Labels: map[string]string{"hub.jupyter.org/node-purpose": "user"}}},
		},
		MachineTypes: map[string][2]int32{"n2-highmem-2": {2, 16384}, "n2-highmem-4": {4, 32768}},
	})
	gkeClientOptions = func() ([]option.ClientOption, []option.ClientOption) { return s.Options() }
	t.Cleanup(func() { gkeClientOptions = nil })
	return s
}

// TestAccHubProfilesAgainstGKEPools: a provider told its cluster is a GKE
// cluster reads the node pools (from the stand-in) when a hub's settings
// change, and fails the plan at a profile that asks more than any pool's
// machines offer, though no Node object of those pools exists; a profile
// that fits the pool scaled to zero plans and applies; a no-op plan reads
// nothing from the GKE API.
func TestAccHubProfilesAgainstGKEPools(t *testing.T) {
	e := newHubEnv(t)
	cluster := gkepools.Cluster{Project: "hackweek-hub", Location: "us-central1", Name: "hackweek"}
	s := gkeStandIn(t, cluster)
	config := func(memory string) string {
		return strings.Replace(hubConfig(e, fmt.Sprintf(`
  profiles = [{
    display_name     = "Large"
    memory_guarantee = %q
  }]`, memory)), "  kubernetes = {", fmt.Sprintf("  gke = { project = %q, location = %q, cluster = %q }\n  kubernetes = {",
			cluster.Project, cluster.Location, cluster.Name), 1)
	}
	var afterApply int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// 48G: more than any pool's machines (32 GiB at most, in the pool that has no node).
				Config: config("48G"),
				ExpectError: regexp.MustCompile(`No node pool big enough for profile "Large" at\s+profiles\[0\]\.memory_guarantee(.|\n)*asks\s+for\s+48G\s+of\s+memory` +
					`(.|\n)*node\s+pool\s+nb-small\s+\(n2-highmem-4,\s+0-20\s+nodes\)`),
			},
			{
				// 24G fits the pool scaled to zero.
				Config: config("24G"),
				Check: func(*terraform.State) error {
					if afterApply = s.ClusterGets.Load(); afterApply < 2 {
						return fmt.Errorf("cluster read %d times, want at least 2 (the failed plan and this one)", afterApply)
					}
					return nil
				},
			},
			{
				Config:           config("24G"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if got := s.ClusterGets.Load(); got != afterApply {
						return fmt.Errorf("no-op plans read the GKE cluster %d times, want 0", got-afterApply)
					}
					if got := s.MachineGets.Load(); got > 2*afterApply {
						return fmt.Errorf("%d machine type reads for %d cluster reads", got, afterApply)
					}
					return nil
				},
			},
		},
	})
}

// TestAccClusterDataSourceGKENodePools: with the provider's `gke`,
// twoi2chub_cluster reports the node pools from the GKE API, the one scaled
// to zero included, with what its machines offer pods; without it,
// gke_node_pools is null.
func TestAccClusterDataSourceGKENodePools(t *testing.T) {
	cp := testAccPreCheck(t)
	cluster := gkepools.Cluster{Project: "hackweek-hub", Location: "us-central1", Name: "hackweek"}
	gkeStandIn(t, cluster)
	withGKE := strings.Replace(providerKubeconfig(cp), "  kubernetes = {", fmt.Sprintf("  gke = { project = %q, location = %q, cluster = %q }\n  kubernetes = {",
		cluster.Project, cluster.Location, cluster.Name), 1) + `data "twoi2chub_cluster" "this" {}`
	pool := func(name string) tfjsonpath.Path { return tfjsonpath.New("gke_node_pools").AtMapKey(name) }
	// 32 GiB less 2.6 GiB, 6% of 16 GiB and 100 MiB; 4 CPUs less 80m.
	small := gkepools.Pool{CPUs: 4, MemoryBytes: 32 << 30}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: withGKE,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("machine_type"), knownvalue.StringExact("n2-highmem-4")),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("min_nodes"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("max_nodes"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("memory_bytes"), knownvalue.Int64Exact(32<<30)),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("allocatable_memory_bytes"), knownvalue.Int64Exact(small.AllocatableMemory())),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("allocatable_cpu_millicores"), knownvalue.Int64Exact(3920)),
					statecheck.ExpectKnownValue(clusterAddr, pool("nb-small").AtMapKey("labels").AtMapKey("cloud.google.com/gke-nodepool"), knownvalue.StringExact("nb-small")),
					statecheck.ExpectKnownValue(clusterAddr, pool("core").AtMapKey("autoscaling"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(clusterAddr, pool("core").AtMapKey("accelerator_type"), knownvalue.Null()),
				},
			},
			{
				Config:            providerKubeconfig(cp) + `data "twoi2chub_cluster" "this" {}`,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(clusterAddr, tfjsonpath.New("gke_node_pools"), knownvalue.Null())},
			},
		},
	})
}
