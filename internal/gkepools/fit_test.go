package gkepools_test

import (
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

func f(v float64) *float64 { return &v }

// pools as Read gives them for poolsLikeTheModule.
var modulePools = []gkepools.Pool{
	{Name: "core", MachineType: "n2-highmem-2", CPUs: 2, MemoryBytes: 16 << 30, MinNodes: 1, MaxNodes: 1,
		Labels: map[string]string{"hub.jupyter.org/node-purpose": "core", "cloud.google.com/gke-nodepool": "core"}},
	{Name: "nb-small", MachineType: "n2-highmem-4", CPUs: 4, MemoryBytes: 32 << 30, MaxNodes: 20,
		Labels: map[string]string{"hub.jupyter.org/node-purpose": "user", "cloud.google.com/gke-nodepool": "nb-small"},
		Taints: []gkepools.Taint{{"hub.jupyter.org_dedicated", "user", "NoSchedule"}}},
	{Name: "nb-gpu", MachineType: "n1-standard-8", CPUs: 8, MemoryBytes: 30 << 30, MaxNodes: 2, Spot: true, Accelerators: 1, AcceleratorType: "nvidia-tesla-t4",
		Labels: map[string]string{"hub.jupyter.org/node-purpose": "user", "cloud.google.com/gke-nodepool": "nb-gpu"},
		Taints: []gkepools.Taint{{"hub.jupyter.org_dedicated", "user", "NoSchedule"}, {"nvidia.com/gpu", "present", "NoSchedule"}}},
	{Name: "nb-none", MachineType: "n2-highmem-4", CPUs: 4, MemoryBytes: 32 << 30, MaxNodes: 0,
		Labels: map[string]string{"hub.jupyter.org/node-purpose": "user", "cloud.google.com/gke-nodepool": "nb-none"}},
}

var gpuToleration = []hubvalues.Toleration{{Key: "nvidia.com/gpu", Operator: "Equal", Value: "present", Effect: "NoSchedule"}}

func TestFit(t *testing.T) {
	pool := func(name string) map[string]string { return map[string]string{"cloud.google.com/gke-nodepool": name} }
	cases := []struct {
		name    string
		profile hubvalues.Profile
		want    string // "" or attr/warning:summary of the one finding
	}{
		{"fits", hubvalues.Profile{MemoryGuarantee: "16G", MemoryLimit: "24G", CPULimit: f(4), NodeSelector: pool("nb-small")}, ""},
		{"no pool has the label", hubvalues.Profile{NodeSelector: map[string]string{"2i2c.org/pool": "huge"}}, "node_selector error: No node pool for this profile"},
		{"GPU pool without its toleration", hubvalues.Profile{NodeSelector: pool("nb-gpu")}, "node_selector error: No node pool for this profile"},
		{"GPU pool tolerated", hubvalues.Profile{NodeSelector: pool("nb-gpu"), GPU: &hubvalues.GPU{Count: 1, Tolerations: gpuToleration}}, ""},
		{"two GPUs on one-GPU machines", hubvalues.Profile{NodeSelector: pool("nb-gpu"), GPU: &hubvalues.GPU{Count: 2, Tolerations: gpuToleration}}, "gpu error: Profile larger than its node pools' machines"},
		{"16G asked of a pool of 32 GiB machines, fine", hubvalues.Profile{MemoryGuarantee: "16G", NodeSelector: pool("nb-small")}, ""},
		{"48G guaranteed on 32 GiB machines", hubvalues.Profile{MemoryGuarantee: "48G", NodeSelector: pool("nb-small")}, "memory_guarantee error: Profile larger than its node pools' machines"},
		{"limit only, as request", hubvalues.Profile{MemoryLimit: "48G", NodeSelector: pool("nb-small")}, "memory_limit error: Profile larger than its node pools' machines"},
		{"8 CPUs guaranteed on 4-CPU machines", hubvalues.Profile{CPUGuarantee: f(8), NodeSelector: pool("nb-small")}, "cpu_guarantee error: Profile larger than its node pools' machines"},
		{"limit above the machine", hubvalues.Profile{MemoryGuarantee: "8G", MemoryLimit: "64G", NodeSelector: pool("nb-small")}, "memory_limit warning: Memory limit above the machine"},
		{"CPU limit above the machine", hubvalues.Profile{CPUGuarantee: f(1), CPULimit: f(16), NodeSelector: pool("nb-small")}, "cpu_limit warning: CPU limit above the machine"},
		{"only a pool that never scales up", hubvalues.Profile{NodeSelector: pool("nb-none")}, "node_selector warning: Node pools scaled to nothing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.profile.DisplayName = tc.name
			hub := hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "plain", NodeSelector: pool("nb-small")}, tc.profile}}
			found := gkepools.Fit(hub, modulePools, hackweek.String())
			var got []string
			for _, fd := range found {
				if fd.Profile != 1 {
					t.Errorf("finding at profile %d: %+v", fd.Profile, fd)
				}
				sev := "error"
				if fd.Warning {
					sev = "warning"
				}
				got = append(got, fd.Attr+" "+sev+": "+fd.Summary)
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("findings:\n%s\nwant:\n%s\n%+v", strings.Join(got, "\n"), tc.want, found)
			}
		})
	}
}

// TestFitRequiredNodePurpose: with user servers required on user nodes, a
// profile selecting the core pool matches nothing, and the message lists
// the pools to choose from.
func TestFitRequiredNodePurpose(t *testing.T) {
	hub := hubvalues.Hub{NodePurpose: &hubvalues.NodePurpose{User: "require"},
		Profiles: []hubvalues.Profile{{DisplayName: "on core", NodeSelector: map[string]string{"cloud.google.com/gke-nodepool": "core"}}}}
	found := gkepools.Fit(hub, modulePools, hackweek.String())
	if len(found) != 1 || found[0].Warning || found[0].Attr != "node_selector" {
		t.Fatalf("%+v", found)
	}
	for _, want := range []string{"hub.jupyter.org/node-purpose=user", "nb-small (n2-highmem-4, 4 CPUs, 32.0 GiB, 0-20 nodes", "nb-gpu (n1-standard-8, 8 CPUs, 30.0 GiB, 1 x nvidia-tesla-t4, spot", hackweek.String()} {
		if !strings.Contains(found[0].Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, found[0].Detail)
		}
	}
}
