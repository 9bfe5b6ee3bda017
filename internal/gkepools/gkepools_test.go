package gkepools_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"cloud.google.com/go/container/apiv1/containerpb"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools/gkestandin"
)

var hackweek = gkepools.Cluster{Project: "hackweek-hub", Location: "us-central1", Name: "hackweek"}

// poolsLikeTheModule are node pools as modules/gke makes them: core, a user
// pool scaled to zero, a spot GPU pool.
func poolsLikeTheModule() []*containerpb.NodePool {
	userTaint := &containerpb.NodeTaint{Key: "hub.jupyter.org_dedicated", Value: "user", Effect: containerpb.NodeTaint_NO_SCHEDULE}
	return []*containerpb.NodePool{
		{Name: "core", Locations: []string{"us-central1-b"}, InitialNodeCount: 1,
			Config: &containerpb.NodeConfig{MachineType: "n2-highmem-2", Labels: map[string]string{"hub.jupyter.org/node-purpose": "core"}}},
		{Name: "nb-small", Locations: []string{"us-central1-b"},
			Autoscaling: &containerpb.NodePoolAutoscaling{Enabled: true, MinNodeCount: 0, MaxNodeCount: 20},
			Config: &containerpb.NodeConfig{MachineType: "n2-highmem-4", Labels: map[string]string{"hub.jupyter.org/node-purpose": "user", "2i2c.org/pool": "small"},
				Taints: []*containerpb.NodeTaint{userTaint}}},
		{Name: "nb-gpu", Locations: []string{"us-central1-b"},
			Autoscaling: &containerpb.NodePoolAutoscaling{Enabled: true, MinNodeCount: 0, MaxNodeCount: 2},
			Config: &containerpb.NodeConfig{MachineType: "n1-standard-8", Spot: true, Labels: map[string]string{"hub.jupyter.org/node-purpose": "user"},
				Taints:       []*containerpb.NodeTaint{userTaint},
				Accelerators: []*containerpb.AcceleratorConfig{{AcceleratorType: "nvidia-tesla-t4", AcceleratorCount: 1}}}},
	}
}

// TestReadFromStandIn reads the pools through the real client libraries,
// pointed at the loopback stand-in by their endpoint and no-authentication
// options: the GKE API gives pools, the Compute API their machines, each
// machine type looked up once.
func TestReadFromStandIn(t *testing.T) {
	s := gkestandin.Serve(t, &gkestandin.StandIn{Cluster: hackweek, NodePools: poolsLikeTheModule(),
		MachineTypes: map[string][2]int32{"n2-highmem-2": {2, 16384}, "n2-highmem-4": {4, 32768}, "n1-standard-8": {8, 30720}}})
	gkeOpts, computeOpts := s.Options()
	read, err := gkepools.Read(context.Background(), hackweek, gkeOpts, computeOpts)
	if err != nil {
		t.Fatal(err)
	}
	pools := read.Pools
	if read.Autoprovisioning || read.Autopilot {
		t.Errorf("cluster read as %+v", read)
	}
	if len(pools) != 3 {
		t.Fatalf("pools: %+v", pools)
	}
	gpu := pools[1]
	if gpu.Name != "nb-gpu" || gpu.CPUs != 8 || gpu.MemoryBytes != 30720<<20 || !gpu.Spot || gpu.Accelerators != 1 || gpu.AcceleratorType != "nvidia-tesla-t4" ||
		gpu.MinNodes != 0 || gpu.MaxNodes != 2 || !gpu.Autoscaling {
		t.Errorf("GPU pool: %+v", gpu)
	}
	wantTaints := []gkepools.Taint{{"hub.jupyter.org_dedicated", "user", "NoSchedule"}, {"nvidia.com/gpu", "present", "NoSchedule"}}
	if !reflect.DeepEqual(gpu.Taints, wantTaints) {
		t.Errorf("GPU pool taints %v, want %v", gpu.Taints, wantTaints)
	}
	if gpu.Labels["cloud.google.com/gke-nodepool"] != "nb-gpu" || gpu.Labels["cloud.google.com/gke-spot"] != "true" || gpu.Labels["cloud.google.com/gke-accelerator"] != "nvidia-tesla-t4" {
		t.Errorf("labels GKE adds: %v", gpu.Labels)
	}
	if small := pools[2]; small.Name != "nb-small" || small.CPUs != 4 || small.MemoryBytes != 32<<30 || small.MaxNodes != 20 || small.Labels["2i2c.org/pool"] != "small" {
		t.Errorf("user pool: %+v", small)
	}
	if core := pools[0]; core.Autoscaling || core.MinNodes != 1 || core.MaxNodes != 1 {
		t.Errorf("fixed-size core pool: %+v", core)
	}
	if n := s.ClusterGets.Load(); n != 1 {
		t.Errorf("%d cluster reads, want 1", n)
	}
	if n := s.MachineGets.Load(); n != 3 {
		t.Errorf("%d machine type lookups, want 3 (one per machine type)", n)
	}
}

// TestReadErrorsNameTheCluster: a wrong cluster or an unknown machine type
// is reported with what was asked.
func TestReadErrorsNameTheCluster(t *testing.T) {
	s := gkestandin.Serve(t, &gkestandin.StandIn{Cluster: hackweek, NodePools: poolsLikeTheModule(), MachineTypes: map[string][2]int32{"n2-highmem-2": {2, 16384}, "n2-highmem-4": {4, 32768}}})
	gkeOpts, computeOpts := s.Options()
	other := hackweek
	other.Name = "elsewhere"
	if _, err := gkepools.Read(context.Background(), other, gkeOpts, computeOpts); err == nil || !strings.Contains(err.Error(), "clusters/elsewhere") || !strings.Contains(err.Error(), "NotFound") {
		t.Errorf("wrong cluster: %v", err)
	}
	if _, err := gkepools.Read(context.Background(), hackweek, gkeOpts, computeOpts); err == nil || !strings.Contains(err.Error(), "machine type n1-standard-8 of node pool nb-gpu") {
		t.Errorf("unknown machine type: %v", err)
	}
}
