package gkepools

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GKE keeps part of each machine for the kubelet, the container runtime and
// the system (Standard clusters' documented reservations), and evicts pods
// before the last 100 MiB: what pods may ask for is the rest.
const evictionThreshold = 100 << 20

// ReservedMemory is what GKE keeps of a machine's memory: 255 MiB below
// 1 GiB; else 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8,
// 6% of the next 112 and 2% above 128 GiB.
func ReservedMemory(machine int64) int64 {
	const gib = int64(1) << 30
	if machine < gib {
		return 255 << 20
	}
	tiers := []struct {
		upTo     int64
		percents int64
	}{{4 * gib, 25}, {8 * gib, 20}, {16 * gib, 10}, {128 * gib, 6}, {1 << 62, 2}}
	var reserved, below int64
	for _, t := range tiers {
		if machine <= below {
			break
		}
		part := min(machine, t.upTo) - below
		reserved += part * t.percents / 100
		below = t.upTo
	}
	return reserved
}

// ReservedMilliCPU is what GKE keeps of a machine's CPUs: 6% of the first
// core, 1% of the second, 0.5% of the next two and 0.25% of the rest.
func ReservedMilliCPU(cpus int64) int64 {
	// In tenths of a millicore: 600, 100, 50 and 25 per core.
	tenths := int64(0)
	for core := int64(1); core <= cpus; core++ {
		switch {
		case core == 1:
			tenths += 600
		case core == 2:
			tenths += 100
		case core <= 4:
			tenths += 50
		default:
			tenths += 25
		}
	}
	return (tenths + 9) / 10 // rounded up: never promise more than there is
}

// AllocatableMemory and AllocatableMilliCPU are what a node of the pool
// offers pods.
func (p Pool) AllocatableMemory() int64 {
	return max(p.MemoryBytes-ReservedMemory(p.MemoryBytes)-evictionThreshold, 0)
}

func (p Pool) AllocatableMilliCPU() int64 { return max(p.CPUs*1000-ReservedMilliCPU(p.CPUs), 0) }

// Describe names the pool and its machine for messages, e.g.
// `node pool nb-small (n2-highmem-4, 0-20 nodes)`.
func (p Pool) Describe() string {
	s := fmt.Sprintf("node pool %s (%s", p.Name, p.MachineType)
	if p.Accelerators > 0 {
		s += fmt.Sprintf(" with %d %s", p.Accelerators, p.AcceleratorType)
	}
	if p.Spot {
		s += ", spot"
	}
	return s + fmt.Sprintf(", %d-%d nodes)", p.MinNodes, p.MaxNodes)
}

// Nodes are the pools as the Node objects their nodes will be (labels,
// taints, allocatable CPU, memory and GPUs), one per pool that may have a
// node at all, so that profiles are checked against pools scaled to zero
// as against running nodes. Their names describe the pools.
func Nodes(pools []Pool) []corev1.Node {
	var out []corev1.Node
	for _, p := range pools {
		if p.MaxNodes == 0 {
			continue // never has a node
		}
		n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: p.Describe(), Labels: map[string]string{}}}
		for k, v := range p.Labels {
			n.Labels[k] = v
		}
		for _, t := range p.Taints {
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
		}
		n.Status.Allocatable = corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(p.AllocatableMilliCPU(), resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(p.AllocatableMemory()>>20<<20, resource.BinarySI), // whole MiB, for messages,
		}
		if p.Accelerators > 0 {
			n.Status.Allocatable[GPUResource] = *resource.NewQuantity(p.Accelerators, resource.DecimalSI)
		}
		out = append(out, n)
	}
	return out
}
