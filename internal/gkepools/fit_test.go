package gkepools_test

import (
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/nodefit"
)

// modulePools are the pools of TestReadFromStandIn as read: a core pool of
// one node, a user pool and a spot GPU pool both scaled to zero.
func modulePools() []gkepools.Pool {
	userTaint := gkepools.Taint{Key: "hub.jupyter.org_dedicated", Value: "user", Effect: "NoSchedule"}
	return []gkepools.Pool{
		{Name: "core", MachineType: "n2-highmem-2", CPUs: 2, MemoryBytes: 16 << 30, MinNodes: 1, MaxNodes: 1,
			Labels: map[string]string{"cloud.google.com/gke-nodepool": "core", nodefit.NodePurposeLabel: "core"}},
		{Name: "nb-small", MachineType: "n2-highmem-4", CPUs: 4, MemoryBytes: 32 << 30, MaxNodes: 20, Taints: []gkepools.Taint{userTaint},
			Labels: map[string]string{"cloud.google.com/gke-nodepool": "nb-small", nodefit.NodePurposeLabel: "user"}},
		{Name: "nb-gpu", MachineType: "n1-standard-8", CPUs: 8, MemoryBytes: 30 << 30, MaxNodes: 2, Spot: true, Accelerators: 1, AcceleratorType: "nvidia-tesla-t4",
			Taints: []gkepools.Taint{userTaint, {Key: "nvidia.com/gpu", Value: "present", Effect: "NoSchedule"}},
			Labels: map[string]string{"cloud.google.com/gke-nodepool": "nb-gpu", nodefit.NodePurposeLabel: "user", "cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}},
	}
}

// TestPoolsCheckedAsNodes: pools scaled to zero go through nodefit's check
// as nodes; knowing every pool, a profile none can run is an error even when
// it is not pinned to one, and a warning only where node auto-provisioning
// may add a pool.
func TestPoolsCheckedAsNodes(t *testing.T) {
	require := &hubvalues.NodePurpose{User: "require"}
	gpu := &hubvalues.GPU{Count: 1, NodeSelector: map[string]string{"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"}}
	rows := []struct {
		name             string
		hub              hubvalues.Hub
		autoprovisioning bool
		want             string
	}{
		{"fits pools scaled to zero", hubvalues.Hub{NodePurpose: require, Profiles: []hubvalues.Profile{
			{DisplayName: "Small", MemoryGuarantee: "16G", CPULimit: f64(3.5)},
			{DisplayName: "GPU", MemoryGuarantee: "20G", GPU: gpu}, // GKE's GPU taint is tolerated by asking for a GPU
		}}, false, ""},
		{"16G on a 16 GiB machine: GKE keeps part of it", hubvalues.Hub{Profiles: []hubvalues.Profile{
			{DisplayName: "Core-sized", MemoryGuarantee: "16G", NodeSelector: map[string]string{"cloud.google.com/gke-nodepool": "core"}},
		}}, false, `error at profiles[0].memory_guarantee: No node pool big enough for profile "Core-sized": profile "Core-sized" asks for 16G of memory, and of the node pools it may run on (node pool core (n2-highmem-2, 1-1 nodes)) the most any has is 13621Mi`},
		{"unpinned and bigger than every pool: an error", hubvalues.Hub{NodePurpose: require, Profiles: []hubvalues.Profile{{DisplayName: "Huge", MemoryGuarantee: "48G"}}},
			false, `error at profiles[0].memory_guarantee: No node pool big enough for profile "Huge"`},
		{"unpinned and bigger, with auto-provisioning: a warning", hubvalues.Hub{NodePurpose: require, Profiles: []hubvalues.Profile{{DisplayName: "Huge", MemoryGuarantee: "48G"}}},
			true, `warning at profiles[0].memory_guarantee: No node pool big enough for profile "Huge"`},
		{"a selector no pool has", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Spot", NodeSelector: map[string]string{"cloud.google.com/gke-nodepool": "nb-spot"}}}},
			false, `error at profiles[0].node_selector: No node pool for profile "Spot": No node pool of GKE cluster hackweek (node pool core`},
		{"more GPUs than the machine", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Two GPUs", GPU: &hubvalues.GPU{Count: 2, NodeSelector: gpu.NodeSelector}}}},
			false, `error at profiles[0].gpu: No node pool big enough for profile "Two GPUs"`},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			found := nodefit.CheckPools(row.hub, nodefit.Pools{Nodes: gkepools.Nodes(modulePools()), Complete: !row.autoprovisioning,
				ExtendedResourceToleration: true, Cluster: "GKE cluster hackweek"})
			if row.want == "" {
				if len(found) > 0 {
					t.Fatalf("want nothing, got %v", found)
				}
				return
			}
			if len(found) != 1 || !strings.HasPrefix(found[0].String(), row.want) {
				t.Fatalf("want one finding starting\n%s\ngot %v", row.want, found)
			}
		})
	}
}

func f64(v float64) *float64 { return &v }
