package clusterinfo

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(name, purpose, cpu, mem string, gpus int64, ready bool) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{}}}
	if purpose != "" {
		n.Labels[NodePurposeLabel] = purpose
	}
	n.Status.Allocatable = corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(cpu),
		corev1.ResourceMemory: resource.MustParse(mem),
	}
	if gpus > 0 {
		n.Status.Allocatable["nvidia.com/gpu"] = *resource.NewQuantity(gpus, resource.DecimalSI)
	}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: status}}
	return n
}

func storageClass(name string, isDefault bool, created time.Time) storagev1.StorageClass {
	sc := storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(created)}, Provisioner: "example.com/" + name}
	if isDefault {
		sc.Annotations = map[string]string{defaultStorageClassAnnotation: "true"}
	}
	return sc
}

func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := Inputs{
		ServerVersion: "v1.37.2",
		Nodes: []corev1.Node{
			node("core-0", "core", "4", "16Gi", 0, true),
			node("user-0", "user", "8", "32Gi", 0, true),
			node("user-1", "user", "7500m", "30Gi", 2, false),
			node("other", "", "2", "4Gi", 0, true),
		},
		StorageClasses: []storagev1.StorageClass{
			storageClass("zonal", false, t0),
			storageClass("standard", true, t0),
			storageClass("premium", true, t0.Add(time.Hour)), // newest default wins, as in Kubernetes
		},
		IngressClasses: []networkingv1.IngressClass{
			{ObjectMeta: metav1.ObjectMeta{Name: "nginx", Annotations: map[string]string{defaultIngressClassAnnotation: "true"}}, Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-nginx"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "gce"}, Spec: networkingv1.IngressClassSpec{Controller: "k8s.io/ingress-gce"}},
		},
	}
	s, err := Summarize(in, "")
	if err != nil {
		t.Fatal(err)
	}
	if !s.SupportsHubChart || s.HubChartKubeVersion != HubChartKubeVersion || len(s.Problems) != 0 {
		t.Errorf("supports %v constraint %q problems %v", s.SupportsHubChart, s.HubChartKubeVersion, s.Problems)
	}
	if s.DefaultStorageClass != "premium" {
		t.Errorf("default storage class %q, want the newest default, premium", s.DefaultStorageClass)
	}
	if got := []string{s.StorageClasses[0].Name, s.StorageClasses[1].Name, s.StorageClasses[2].Name}; strings.Join(got, ",") != "premium,standard,zonal" {
		t.Errorf("storage classes not sorted: %v", got)
	}
	if s.DefaultIngressClass != "nginx" || s.IngressClasses[0].Name != "gce" || s.IngressClasses[1].Controller != "k8s.io/ingress-nginx" {
		t.Errorf("ingress classes %+v default %q", s.IngressClasses, s.DefaultIngressClass)
	}
	user := s.Pools["user"]
	if user.Nodes != 2 || user.ReadyNodes != 1 || user.CPU.String() != "15500m" || user.Memory.String() != "62Gi" || user.GPUs != 2 {
		t.Errorf("user pool %+v cpu %s mem %s", user, user.CPU.String(), user.Memory.String())
	}
	if s.Pools[Unlabelled].Nodes != 1 || func() string { q := s.Pools["core"].CPU; return q.String() }() != "4" {
		t.Errorf("pools %+v", s.Pools)
	}
	if s.Total.Nodes != 4 || s.Total.ReadyNodes != 3 || s.Total.CPU.MilliValue() != 21500 || s.Total.GPUs != 2 {
		t.Errorf("total %+v", s.Total)
	}
}

func TestSummarizeProblems(t *testing.T) {
	cases := []struct {
		name, version, constraint string
		nodes                     []corev1.Node
		classes                   []storagev1.StorageClass
		wantSupports              bool
		wantProblems              []string
	}{
		{"old cluster", "v1.27.9-gke.100", "", []corev1.Node{node("n", "", "1", "1Gi", 0, true)},
			[]storagev1.StorageClass{storageClass("s", true, time.Now())}, false, []string{"does not satisfy the hub chart's kubeVersion >=1.28.0-0"}},
		{"pre-release suffixes of a supported version pass", "v1.30.1-eks-1234", "", []corev1.Node{node("n", "", "1", "1Gi", 0, true)},
			[]storagev1.StorageClass{storageClass("s", true, time.Now())}, true, nil},
		{"custom constraint", "v1.37.2", "<1.30", []corev1.Node{node("n", "", "1", "1Gi", 0, true)},
			[]storagev1.StorageClass{storageClass("s", true, time.Now())}, false, []string{"does not satisfy"}},
		{"no default storage class and no ready node", "v1.37.2", "", []corev1.Node{node("n", "", "1", "1Gi", 0, false)},
			[]storagev1.StorageClass{storageClass("s", false, time.Now())}, true, []string{"no default StorageClass", "no node is Ready"}},
		{"unparseable version", "banana", "", nil, nil, false, []string{"not a semantic version", "no default StorageClass", "no node is Ready"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Summarize(Inputs{ServerVersion: tc.version, Nodes: tc.nodes, StorageClasses: tc.classes}, tc.constraint)
			if err != nil {
				t.Fatal(err)
			}
			if s.SupportsHubChart != tc.wantSupports {
				t.Errorf("SupportsHubChart = %v", s.SupportsHubChart)
			}
			if len(s.Problems) != len(tc.wantProblems) {
				t.Fatalf("problems %q, want %d", s.Problems, len(tc.wantProblems))
			}
			for i, want := range tc.wantProblems {
				if !strings.Contains(s.Problems[i], want) {
					t.Errorf("problem %d %q does not mention %q", i, s.Problems[i], want)
				}
			}
		})
	}
	if _, err := Summarize(Inputs{ServerVersion: "v1.30.0"}, ">>1"); err == nil {
		t.Error("an invalid constraint was accepted")
	}
}
