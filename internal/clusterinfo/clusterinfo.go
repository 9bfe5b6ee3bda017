// Package clusterinfo answers "is this cluster ready for a hub?": it reads the
// server version, storage and ingress classes and nodes, and summarises them
// the way a JupyterHub on zero-to-jupyterhub cares about them.
package clusterinfo

import (
	"context"
	"fmt"
	"sort"

	"github.com/Masterminds/semver/v3"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const (
	// NodePurposeLabel is the label z2jh places core and user pods by.
	NodePurposeLabel = "hub.jupyter.org/node-purpose"
	// Unlabelled is the pool key for nodes without NodePurposeLabel.
	Unlabelled = "unlabelled"
	// HubChartKubeVersion is the kubeVersion constraint of the z2jh chart the
	// provider deploys by default (4.4.0's Chart.yaml).
	HubChartKubeVersion = ">=1.28.0-0"

	defaultStorageClassAnnotation     = "storageclass.kubernetes.io/is-default-class"
	betaDefaultStorageClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
	defaultIngressClassAnnotation     = "ingressclass.kubernetes.io/is-default-class"
)

// GPUResources are the extended resources counted as GPUs.
var GPUResources = []corev1.ResourceName{"nvidia.com/gpu", "amd.com/gpu"}

// Inputs are the objects a Summary is computed from.
type Inputs struct {
	ServerVersion  string
	Nodes          []corev1.Node
	StorageClasses []storagev1.StorageClass
	IngressClasses []networkingv1.IngressClass
}

// Summary is what the twoi2chub_cluster data source reports.
type Summary struct {
	ServerVersion       string
	HubChartKubeVersion string
	SupportsHubChart    bool
	StorageClasses      []StorageClass
	DefaultStorageClass string
	IngressClasses      []IngressClass
	DefaultIngressClass string
	Total               Pool
	Pools               map[string]Pool
	Problems            []string
}

// StorageClass is the part of a StorageClass a hub's storage settings need.
type StorageClass struct {
	Name, Provisioner, ReclaimPolicy, VolumeBindingMode string
	AllowVolumeExpansion, IsDefault                     bool
}

// IngressClass is the part of an IngressClass a hub's ingress settings need.
type IngressClass struct {
	Name, Controller string
	IsDefault        bool
}

// Pool sums nodes: all of them, or those with one node-purpose label value.
type Pool struct {
	Nodes, ReadyNodes int
	CPU, Memory       resource.Quantity
	GPUs              int64
}

// Read fetches the Inputs with four API requests.
func Read(ctx context.Context, client kubernetes.Interface) (Inputs, error) {
	var in Inputs
	v, err := client.Discovery().ServerVersion()
	if err != nil {
		return in, err
	}
	in.ServerVersion = v.GitVersion
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, err
	}
	in.Nodes = nodes.Items
	scs, err := client.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, err
	}
	in.StorageClasses = scs.Items
	ics, err := client.NetworkingV1().IngressClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, err
	}
	in.IngressClasses = ics.Items
	return in, nil
}

// Summarize computes the Summary of in against the chart's kubeVersion
// constraint (HubChartKubeVersion when empty).
func Summarize(in Inputs, constraint string) (Summary, error) {
	if constraint == "" {
		constraint = HubChartKubeVersion
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return Summary{}, fmt.Errorf("kubeVersion constraint %q: %w", constraint, err)
	}
	s := Summary{ServerVersion: in.ServerVersion, HubChartKubeVersion: constraint, Pools: map[string]Pool{}}

	if v, err := semver.NewVersion(in.ServerVersion); err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("the server reports version %q, which is not a semantic version", in.ServerVersion))
	} else if s.SupportsHubChart = c.Check(v); !s.SupportsHubChart {
		s.Problems = append(s.Problems, fmt.Sprintf("Kubernetes %s does not satisfy the hub chart's kubeVersion %s: upgrade the cluster", in.ServerVersion, constraint))
	}

	for _, sc := range in.StorageClasses {
		out := StorageClass{
			Name:        sc.Name,
			Provisioner: sc.Provisioner,
			IsDefault:   sc.Annotations[defaultStorageClassAnnotation] == "true" || sc.Annotations[betaDefaultStorageClassAnnotation] == "true",
		}
		if sc.ReclaimPolicy != nil {
			out.ReclaimPolicy = string(*sc.ReclaimPolicy)
		}
		if sc.VolumeBindingMode != nil {
			out.VolumeBindingMode = string(*sc.VolumeBindingMode)
		}
		if sc.AllowVolumeExpansion != nil {
			out.AllowVolumeExpansion = *sc.AllowVolumeExpansion
		}
		// With several defaults Kubernetes uses the newest; report that one.
		if out.IsDefault && (s.DefaultStorageClass == "" || newer(sc.ObjectMeta, in.StorageClasses, s.DefaultStorageClass)) {
			s.DefaultStorageClass = sc.Name
		}
		s.StorageClasses = append(s.StorageClasses, out)
	}
	sort.Slice(s.StorageClasses, func(i, j int) bool { return s.StorageClasses[i].Name < s.StorageClasses[j].Name })
	if s.DefaultStorageClass == "" {
		s.Problems = append(s.Problems, "no default StorageClass: per-user home directories need one, or a storage class named in the hub's storage settings")
	}

	for _, ic := range in.IngressClasses {
		out := IngressClass{Name: ic.Name, Controller: ic.Spec.Controller, IsDefault: ic.Annotations[defaultIngressClassAnnotation] == "true"}
		if out.IsDefault && s.DefaultIngressClass == "" {
			s.DefaultIngressClass = ic.Name
		}
		s.IngressClasses = append(s.IngressClasses, out)
	}
	sort.Slice(s.IngressClasses, func(i, j int) bool { return s.IngressClasses[i].Name < s.IngressClasses[j].Name })

	for _, n := range in.Nodes {
		purpose := n.Labels[NodePurposeLabel]
		if purpose == "" {
			purpose = Unlabelled
		}
		pool := s.Pools[purpose]
		pool.add(n)
		s.Pools[purpose] = pool
		s.Total.add(n)
	}
	if s.Total.ReadyNodes == 0 {
		s.Problems = append(s.Problems, "no node is Ready: hub and user pods cannot run")
	}
	return s, nil
}

func (p *Pool) add(n corev1.Node) {
	p.Nodes++
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			p.ReadyNodes++
		}
	}
	alloc := n.Status.Allocatable
	if q, ok := alloc[corev1.ResourceCPU]; ok {
		p.CPU.Add(q)
	}
	if q, ok := alloc[corev1.ResourceMemory]; ok {
		p.Memory.Add(q)
	}
	for _, g := range GPUResources {
		if q, ok := alloc[g]; ok {
			p.GPUs += q.Value()
		}
	}
}

func newer(meta metav1.ObjectMeta, all []storagev1.StorageClass, current string) bool {
	for _, sc := range all {
		if sc.Name == current {
			return meta.CreationTimestamp.After(sc.CreationTimestamp.Time)
		}
	}
	return false
}
