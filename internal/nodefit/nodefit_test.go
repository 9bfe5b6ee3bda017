package nodefit

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

func node(name, cpu, memory string, labels map[string]string, taints ...corev1.Taint) corev1.Node {
	alloc := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)}
	if labels["gpu"] == "t4" {
		alloc["nvidia.com/gpu"] = resource.MustParse("1")
	}
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints},
		Status: corev1.NodeStatus{Allocatable: alloc}}
}

// cluster is a community's: a core node, two user pools (one tainted for
// high-memory servers) and a tainted GPU node.
func cluster() []corev1.Node {
	gpuTaint := corev1.Taint{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}
	highmemTaint := corev1.Taint{Key: "hub.jupyter.org/dedicated", Value: "highmem", Effect: corev1.TaintEffectNoSchedule}
	cordoned := node("user-old", "64", "512Gi", map[string]string{NodePurposeLabel: "user"})
	cordoned.Spec.Unschedulable = true
	return []corev1.Node{
		node("core-0", "4", "16Gi", map[string]string{NodePurposeLabel: "core", "pool": "core"}),
		node("user-0", "8", "32Gi", map[string]string{NodePurposeLabel: "user", "pool": "user", "cpus": "8"}),
		node("compute-0", "32", "32Gi", map[string]string{NodePurposeLabel: "user", "pool": "compute", "cpus": "32"}),
		node("highmem-0", "8", "64Gi", map[string]string{NodePurposeLabel: "user", "pool": "highmem", "cpus": "8"}, highmemTaint),
		node("gpu-0", "8", "61Gi", map[string]string{NodePurposeLabel: "user", "pool": "gpu", "gpu": "t4"}, gpuTaint),
		cordoned,
	}
}

func f64(v float64) *float64 { return &v }

func TestCheck(t *testing.T) {
	highmemToleration := []hubvalues.Toleration{{Key: "hub.jupyter.org/dedicated", Value: "highmem", Effect: "NoSchedule"}}
	gpu := &hubvalues.GPU{Count: 1, NodeSelector: map[string]string{"gpu": "t4"}, Tolerations: []hubvalues.Toleration{{Key: "nvidia.com/gpu", Value: "present"}}}
	rows := []struct {
		name string
		hub  hubvalues.Hub
		want string // "" for no finding; else "error at <attr>: <text>" or "warning at ..."
	}{
		{"profiles that fit", hubvalues.Hub{Profiles: []hubvalues.Profile{
			{DisplayName: "Small", MemoryGuarantee: "2G", CPULimit: f64(2)},
			{DisplayName: "Highmem", MemoryGuarantee: "48G", NodeSelector: map[string]string{"pool": "highmem"}, Tolerations: highmemToleration},
			{DisplayName: "GPU", MemoryGuarantee: "16G", GPU: gpu},
		}}, ""},
		{"pinned profile bigger than its pool", hubvalues.Hub{Profiles: []hubvalues.Profile{
			{DisplayName: "Huge", MemoryGuarantee: "100G", NodeSelector: map[string]string{"pool": "highmem"}, Tolerations: highmemToleration},
		}}, `error at profiles[0].memory_guarantee: No node big enough for profile "Huge": profile "Huge" asks for 100G of memory, and of the nodes it may run on (highmem-0) the most any has is 64Gi (highmem-0)`},
		{"a CPU limit alone is the request", hubvalues.Hub{Profiles: []hubvalues.Profile{
			{DisplayName: "Many CPUs", CPULimit: f64(64), NodeAffinity: &hubvalues.NodeAffinity{Required: []hubvalues.NodeRequirement{{Key: "cpus", Operator: "Gt", Values: []string{"4"}}}}},
		}}, `error at profiles[0].cpu_limit: No node big enough for profile "Many CPUs"`},
		{"unpinned profile bigger than any node warns", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Huge", MemoryGuarantee: "100G"}}},
			`warning at profiles[0].memory_guarantee: No node big enough`},
		{"the tainted pool is not counted without its toleration", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Big", MemoryGuarantee: "48G", NodeSelector: map[string]string{NodePurposeLabel: "user"}}}},
			`error at profiles[0].memory_guarantee: No node big enough for profile "Big": profile "Big" asks for 48G of memory, and of the nodes it may run on (compute-0, user-0) the most any has is 32Gi (user-0)`},
		{"more GPUs than a node has", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Two GPUs", GPU: &hubvalues.GPU{Count: 2, NodeSelector: gpu.NodeSelector, Tolerations: gpu.Tolerations}}}},
			`error at profiles[0].gpu: No node big enough for profile "Two GPUs": profile "Two GPUs" asks for 2 nvidia.com/gpu`},
		{"a selector no node has", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Spot", NodeSelector: map[string]string{"pool": "spot"}}}},
			`warning at profiles[0].node_selector: No node for profile "Spot": No node of the cluster (compute-0, core-0, gpu-0, highmem-0, user-0) matches its node_selector`},
		{"labels matched but a taint not tolerated", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Highmem", NodeSelector: map[string]string{"pool": "highmem"}}}},
			`warning at profiles[0].node_selector: No node for profile "Highmem": No node of the cluster (compute-0, core-0, gpu-0, highmem-0, user-0) matches its node_selector (node highmem-0 has the labels but the taint hub.jupyter.org/dedicated=highmem:NoSchedule`},
		{"a required affinity no node meets", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "ARM",
			NodeAffinity: &hubvalues.NodeAffinity{Required: []hubvalues.NodeRequirement{{Key: "kubernetes.io/arch", Operator: "In", Values: []string{"arm64"}}}}}}},
			`warning at profiles[0].node_affinity.required: No node for profile "ARM"`},
		{"default server bigger than the user nodes", hubvalues.Hub{NodePurpose: &hubvalues.NodePurpose{User: "require"},
			UserServers: &hubvalues.UserServers{MemoryGuarantee: "40G"}},
			`warning at user_servers.memory_guarantee: No node big enough for the default server`},
		{"every server's guarantee applies to profiles without their own", hubvalues.Hub{UserServers: &hubvalues.UserServers{CPUGuarantee: f64(12)},
			Profiles: []hubvalues.Profile{{DisplayName: "Pinned", NodeSelector: map[string]string{"pool": "user"}}}},
			`error at user_servers.cpu_guarantee: No node big enough for profile "Pinned"`},
		{"requests that fit separately but not together", hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Odd", CPUGuarantee: f64(16), MemoryGuarantee: "60G",
			NodeAffinity: &hubvalues.NodeAffinity{Required: []hubvalues.NodeRequirement{{Key: "pool", Operator: "In", Values: []string{"compute", "highmem"}}}},
			Tolerations:  highmemToleration}}},
			`error at profiles[0]: No node big enough for profile "Odd": Each of profile "Odd"'s requests (16 cpu, 60G memory) fits some node, but no node (of compute-0, highmem-0) has room`},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			found := Check(row.hub, cluster())
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

func TestCheckWithoutNodes(t *testing.T) {
	h := hubvalues.Hub{Profiles: []hubvalues.Profile{{DisplayName: "Huge", MemoryGuarantee: "1T"}}}
	if found := Check(h, nil); len(found) != 0 {
		t.Errorf("a cluster without nodes has nothing to compare with, got %v", found)
	}
}
