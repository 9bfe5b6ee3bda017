package gkepools

import (
	"fmt"
	"sort"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Finding is a profile that cannot run, or may run badly, on the pools.
type Finding struct {
	Profile int    // index in the hub's profiles
	Attr    string // the profile's attribute at fault
	Warning bool   // false: the profile's servers can never start
	Summary string
	Detail  string
}

// z2jh's user pods tolerate its own user-node taints (scheduling.userPods.tolerations).
var chartUserTolerations = []hubvalues.Toleration{
	{Key: "hub.jupyter.org/dedicated", Operator: "Equal", Value: "user", Effect: "NoSchedule"},
	{Key: "hub.jupyter.org_dedicated", Operator: "Equal", Value: "user", Effect: "NoSchedule"},
}

// Fit checks each profile of h against the pools: its node selector (with
// the node-purpose label when user servers require it) and tolerations must
// pick a pool, and a pool picked must have a machine as large as the
// profile's requests (an error: the server never starts) and limits (a
// warning: it starts and is throttled or killed when it grows).
func Fit(h hubvalues.Hub, pools []Pool, cluster string) []Finding {
	var out []Finding
	for i, p := range h.Profiles {
		selector := map[string]string{}
		for k, v := range p.NodeSelector {
			selector[k] = v
		}
		tolerations := append([]hubvalues.Toleration{}, chartUserTolerations...)
		var gpus int64
		if p.GPU != nil {
			for k, v := range p.GPU.NodeSelector {
				selector[k] = v
			}
			tolerations = append(tolerations, p.GPU.Tolerations...)
			gpus = p.GPU.Count
		}
		if h.NodePurpose != nil && h.NodePurpose.User == "require" {
			selector["hub.jupyter.org/node-purpose"] = "user"
		}
		var matching []Pool
		for _, pool := range pools {
			if selects(selector, pool.Labels) && tolerates(tolerations, pool.Taints) {
				matching = append(matching, pool)
			}
		}
		name := fmt.Sprintf("Profile %q", p.DisplayName)
		if len(matching) == 0 {
			out = append(out, Finding{Profile: i, Attr: "node_selector", Summary: "No node pool for this profile",
				Detail: fmt.Sprintf("%s selects %s and tolerates %s, which no node pool of GKE cluster %s offers, so its servers would never start. "+
					"The pools are: %s. Select the labels of one of them (for example `cloud.google.com/gke-nodepool`), tolerate its taints, or add a pool.",
					name, describeSelector(selector), describeTolerations(tolerations), cluster, describePools(pools))})
			continue
		}
		cpuReq, cpuLim := orNil(p.CPUGuarantee, p.CPULimit), p.CPULimit
		memReq, memLim := firstNonEmpty(p.MemoryGuarantee, p.MemoryLimit), p.MemoryLimit
		best := largest(matching)
		fits := func(pool Pool) bool {
			return (cpuReq == nil || *cpuReq <= float64(pool.CPUs)) && (memReq == "" || validate.Bytes(memReq) <= pool.MemoryBytes) && gpus <= pool.Accelerators
		}
		var fitting []Pool
		for _, pool := range matching {
			if fits(pool) {
				fitting = append(fitting, pool)
			}
		}
		if len(fitting) == 0 {
			attr, asks := "memory_guarantee", "memory "+memReq
			switch {
			case gpus > best.Accelerators:
				attr, asks = "gpu", fmt.Sprintf("%d GPUs", gpus)
			case cpuReq != nil && *cpuReq > float64(best.CPUs):
				attr, asks = "cpu_guarantee", fmt.Sprintf("%g CPUs", *cpuReq)
				if p.CPUGuarantee == nil {
					attr = "cpu_limit"
				}
			case p.MemoryGuarantee == "":
				attr = "memory_limit"
			}
			out = append(out, Finding{Profile: i, Attr: attr, Summary: "Profile larger than its node pools' machines",
				Detail: fmt.Sprintf("%s asks for %s, more than any machine of the node pools it selects has (%s), so its servers would never start. "+
					"Ask for less (GKE keeps part of each machine for itself), or select a pool of larger machines.", name, asks, describePools(matching))})
			continue
		}
		small := largest(fitting)
		if cpuLim != nil && *cpuLim > float64(small.CPUs) {
			out = append(out, Finding{Profile: i, Attr: "cpu_limit", Warning: true, Summary: "CPU limit above the machine",
				Detail: fmt.Sprintf("%s may use up to %g CPUs, but node pool %s's machines (%s) have %d: servers never get the limit.", name, *cpuLim, small.Name, small.MachineType, small.CPUs)})
		}
		if memLim != "" && validate.Bytes(memLim) > small.MemoryBytes {
			out = append(out, Finding{Profile: i, Attr: "memory_limit", Warning: true, Summary: "Memory limit above the machine",
				Detail: fmt.Sprintf("%s may use up to %s, but node pool %s's machines (%s) have %s: a server that grows toward its limit is killed by the node first.",
					name, memLim, small.Name, small.MachineType, gib(small.MemoryBytes))})
		}
		if allEmpty(fitting) {
			out = append(out, Finding{Profile: i, Attr: "node_selector", Warning: true, Summary: "Node pools scaled to nothing",
				Detail: fmt.Sprintf("%s can only run on node pools that may have no node at all (%s): raise their autoscaling maximum above 0.", name, describePools(fitting))})
		}
	}
	return out
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func tolerates(tolerations []hubvalues.Toleration, taints []Taint) bool {
	for _, taint := range taints {
		if taint.Effect == "PreferNoSchedule" {
			continue
		}
		ok := false
		for _, t := range tolerations {
			if (t.Key == "" && t.Operator == "Exists") || (t.Key == taint.Key && (t.Operator == "Exists" || t.Value == taint.Value)) {
				if t.Effect == "" || t.Effect == taint.Effect {
					ok = true
					break
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// largest is the pool with the most memory, then CPUs.
func largest(pools []Pool) Pool {
	best := pools[0]
	for _, p := range pools[1:] {
		if p.MemoryBytes > best.MemoryBytes || (p.MemoryBytes == best.MemoryBytes && p.CPUs > best.CPUs) {
			best = p
		}
	}
	return best
}

func allEmpty(pools []Pool) bool {
	for _, p := range pools {
		if p.MaxNodes > 0 {
			return false
		}
	}
	return true
}

func orNil(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func gib(b int64) string { return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30)) }

func describePools(pools []Pool) string {
	parts := make([]string, 0, len(pools))
	for _, p := range pools {
		s := fmt.Sprintf("%s (%s, %d CPUs, %s", p.Name, p.MachineType, p.CPUs, gib(p.MemoryBytes))
		if p.Accelerators > 0 {
			s += fmt.Sprintf(", %d x %s", p.Accelerators, p.AcceleratorType)
		}
		if p.Spot {
			s += ", spot"
		}
		s += fmt.Sprintf(", %d-%d nodes, labels %s", p.MinNodes, p.MaxNodes, describeSelector(p.Labels))
		if len(p.Taints) > 0 {
			var ts []string
			for _, t := range p.Taints {
				ts = append(ts, t.Key+"="+t.Value+":"+t.Effect)
			}
			s += ", taints " + strings.Join(ts, ", ")
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, "; ")
}

func describeSelector(m map[string]string) string {
	if len(m) == 0 {
		return "any node"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m[k]
	}
	return strings.Join(keys, ", ")
}

func describeTolerations(ts []hubvalues.Toleration) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Key+"="+t.Value+":"+t.Effect)
	}
	return strings.Join(out, ", ")
}
