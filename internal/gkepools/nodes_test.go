package gkepools_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
)

// TestReservations: GKE's documented reservations, worked by hand for
// common machines.
func TestReservations(t *testing.T) {
	const gib = int64(1) << 30
	for _, c := range []struct {
		memory, want int64
	}{
		{512 << 20, 255 << 20},
		{4 * gib, gib},                        // 25% of 4
		{16 * gib, gib + 8*gib/10 + 8*gib/10}, // 1 + 0.8 + 0.8 GiB
		{32 * gib, 26*gib/10 + 16*gib*6/100},  // 2.6 GiB + 6% of 16
		{256 * gib, 26*gib/10 + 112*gib*6/100 + 128*gib*2/100},
	} {
		if got := gkepools.ReservedMemory(c.memory); got != c.want {
			t.Errorf("ReservedMemory(%d GiB) = %d, want %d", c.memory/gib, got, c.want)
		}
	}
	for _, c := range []struct{ cpus, want int64 }{{1, 60}, {2, 70}, {4, 80}, {8, 90}, {96, 310}} {
		if got := gkepools.ReservedMilliCPU(c.cpus); got != c.want {
			t.Errorf("ReservedMilliCPU(%d) = %d, want %d", c.cpus, got, c.want)
		}
	}
}

// TestNodesStandForPools: a pool scaled to zero is a node with its labels,
// taints and allocatable resources; a pool that can never have a node is
// left out.
func TestNodesStandForPools(t *testing.T) {
	pools := []gkepools.Pool{
		{Name: "nb-gpu", MachineType: "n1-standard-8", CPUs: 8, MemoryBytes: 30 << 30, Accelerators: 1, AcceleratorType: "nvidia-tesla-t4", Spot: true,
			MinNodes: 0, MaxNodes: 2, Labels: map[string]string{"cloud.google.com/gke-nodepool": "nb-gpu"},
			Taints: []gkepools.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: "NoSchedule"}}},
		{Name: "retired", MachineType: "e2-standard-2", CPUs: 2, MemoryBytes: 8 << 30, MaxNodes: 0},
	}
	nodes := gkepools.Nodes(pools)
	if len(nodes) != 1 {
		t.Fatalf("%d nodes, want 1 (the pool with max 0 nodes left out)", len(nodes))
	}
	n := nodes[0]
	if !strings.HasPrefix(n.Name, "node pool nb-gpu (n1-standard-8 with 1 nvidia-tesla-t4, spot, 0-2 nodes)") {
		t.Errorf("name %q", n.Name)
	}
	if n.Labels["cloud.google.com/gke-nodepool"] != "nb-gpu" || len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Key != "nvidia.com/gpu" {
		t.Errorf("labels %v taints %v", n.Labels, n.Spec.Taints)
	}
	// 30 GiB - (2.6 GiB + 6% of 14 GiB) - 100 MiB, in whole MiB.
	wantMem := (int64(30<<30) - (26<<30)/10 - (14<<30)*6/100 - 100<<20) >> 20
	if got := n.Status.Allocatable.Memory().Value() >> 20; got != wantMem {
		t.Errorf("allocatable memory %d MiB, want %d", got, wantMem)
	}
	if got := n.Status.Allocatable.Cpu().MilliValue(); got != 8000-90 {
		t.Errorf("allocatable CPU %dm, want 7910m", got)
	}
	if gpu := n.Status.Allocatable[corev1.ResourceName("nvidia.com/gpu")]; gpu.Value() != 1 {
		t.Errorf("allocatable GPUs %v", gpu.String())
	}
}
