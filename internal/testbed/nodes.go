package testbed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

const (
	kwokNodeAnnotation = "kwok.x-k8s.io/node"
	// NodePurposeLabel is the label z2jh uses to place core and user pods.
	NodePurposeLabel = "hub.jupyter.org/node-purpose"
	// GPUResource is the extended resource name the GPU node advertises.
	GPUResource = corev1.ResourceName("nvidia.com/gpu")
)

// Node describes one simulated node.
type Node struct {
	Name    string
	Purpose string // value of hub.jupyter.org/node-purpose; empty for none
	CPU     string // allocatable, a Kubernetes quantity
	Memory  string
	GPUs    int64
	// Pods is the most pods the node takes; 0 means Kubernetes' default, 110.
	// GKE allows up to 256 per node; a bench of many hubs on few nodes needs it.
	Pods   int64
	Taints []corev1.Taint
}

// DefaultNodes is a small community cluster: one core node for the hub and
// proxy, one user node, and one user node with a GPU, tainted the way GKE
// taints GPU pools so only pods that ask for a GPU land there.
func DefaultNodes() []Node {
	return []Node{
		{Name: "core-0", Purpose: "core", CPU: "4", Memory: "16Gi"},
		{Name: "user-0", Purpose: "user", CPU: "8", Memory: "32Gi"},
		{Name: "user-gpu-0", Purpose: "user", CPU: "8", Memory: "61Gi", GPUs: 1,
			Taints: []corev1.Taint{{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}}},
	}
}

func registerNode(ctx context.Context, client kubernetes.Interface, n Node) error {
	labels := map[string]string{
		"type":                   "kwok",
		"kubernetes.io/hostname": n.Name,
		"kubernetes.io/os":       "linux",
		"kubernetes.io/arch":     "amd64",
	}
	if n.Purpose != "" {
		labels[NodePurposeLabel] = n.Purpose
	}
	pods := n.Pods
	if pods == 0 {
		pods = 110
	}
	resources := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(n.CPU),
		corev1.ResourceMemory: resource.MustParse(n.Memory),
		corev1.ResourcePods:   *resource.NewQuantity(pods, resource.DecimalSI),
	}
	if n.GPUs > 0 {
		resources[GPUResource] = *resource.NewQuantity(n.GPUs, resource.DecimalSI)
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Labels:      labels,
			Annotations: map[string]string{kwokNodeAnnotation: "fake"},
		},
		Spec: corev1.NodeSpec{Taints: n.Taints},
	}
	created, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	// Status is a subresource: capacity set at creation may be dropped, so
	// set it here, again if kwok updated the node in between.
	return setNodeStatus(ctx, client, created.Name, func(st *corev1.NodeStatus) {
		st.Capacity = resources
		st.Allocatable = resources
	})
}

func setNodeStatus(ctx context.Context, client kubernetes.Interface, name string, change func(*corev1.NodeStatus)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		change(&node.Status)
		_, err = client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	})
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// AddNode registers one more simulated node for a test and removes it when
// the test ends. Give it a taint, or tests that count the default nodes
// may place pods on it.
func (cp *ControlPlane) AddNode(t testing.TB, n Node) {
	t.Helper()
	client, ctx := cp.testClient(t)
	t.Cleanup(func() {
		_ = client.CoreV1().Nodes().Delete(context.Background(), n.Name, metav1.DeleteOptions{})
	})
	if err := registerNode(ctx, client, n); err != nil {
		t.Fatalf("adding node %s: %v", n.Name, err)
	}
}

// SetNodeMemory changes what a node offers pods, as a resized pool would.
func (cp *ControlPlane) SetNodeMemory(t testing.TB, name, memory string) {
	t.Helper()
	client, ctx := cp.testClient(t)
	err := setNodeStatus(ctx, client, name, func(st *corev1.NodeStatus) {
		st.Allocatable[corev1.ResourceMemory] = resource.MustParse(memory)
		st.Capacity[corev1.ResourceMemory] = resource.MustParse(memory)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testClient is a client and a 30-second context for one test's change.
func (cp *ControlPlane) testClient(t testing.TB) (kubernetes.Interface, context.Context) {
	t.Helper()
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return client, ctx
}
