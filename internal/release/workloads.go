package release

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// What "ready" means for each kind of workload a release may hold, and how
// to list, watch and describe it. Every kind must first have had its latest
// spec seen by its controller (observedGeneration), so a just-applied change
// is never judged by the previous rollout's status.
//
//   - Deployment: every desired replica updated and available (as `kubectl
//     rollout status` waits for).
//   - StatefulSet: every desired replica ready, and, with the RollingUpdate
//     strategy, updated to the current revision (up to the partition). With
//     OnDelete nothing is replaced on upgrade, so only readiness counts.
//   - DaemonSet: a ready, available pod on every node it should run on; with
//     RollingUpdate, each of them updated. A DaemonSet whose node selector
//     matches no node has nothing to wait for (desired 0 is ready).
type workloadKind struct {
	name     string
	list     func(context.Context, kubernetes.Interface, string) ([]metav1.Object, string, error)
	watch    func(context.Context, kubernetes.Interface, string, string) (watch.Interface, error)
	get      func(context.Context, kubernetes.Interface, string, string) (metav1.Object, error)
	ready    func(metav1.Object) bool
	status   func(metav1.Object) string
	selector func(metav1.Object) *metav1.LabelSelector
}

var workloadKinds = map[string]*workloadKind{
	"Deployment": {
		name: "Deployment",
		list: func(ctx context.Context, c kubernetes.Interface, ns string) ([]metav1.Object, string, error) {
			l, err := c.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, "", err
			}
			return objects(l.Items), l.ResourceVersion, nil
		},
		watch: func(ctx context.Context, c kubernetes.Interface, ns, rv string) (watch.Interface, error) {
			return c.AppsV1().Deployments(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
		},
		get: func(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
			return c.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		},
		ready: func(o metav1.Object) bool { return Available(o.(*appsv1.Deployment)) },
		status: func(o metav1.Object) string {
			d := o.(*appsv1.Deployment)
			return fmt.Sprintf("%d of %d replicas available", d.Status.AvailableReplicas, replicas(d.Spec.Replicas))
		},
		selector: func(o metav1.Object) *metav1.LabelSelector { return o.(*appsv1.Deployment).Spec.Selector },
	},
	"StatefulSet": {
		name: "StatefulSet",
		list: func(ctx context.Context, c kubernetes.Interface, ns string) ([]metav1.Object, string, error) {
			l, err := c.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, "", err
			}
			return objects(l.Items), l.ResourceVersion, nil
		},
		watch: func(ctx context.Context, c kubernetes.Interface, ns, rv string) (watch.Interface, error) {
			return c.AppsV1().StatefulSets(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
		},
		get: func(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
			return c.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
		},
		ready: func(o metav1.Object) bool { return StatefulSetReady(o.(*appsv1.StatefulSet)) },
		status: func(o metav1.Object) string {
			s := o.(*appsv1.StatefulSet)
			return fmt.Sprintf("%d of %d replicas ready, %d updated", s.Status.ReadyReplicas, replicas(s.Spec.Replicas), s.Status.UpdatedReplicas)
		},
		selector: func(o metav1.Object) *metav1.LabelSelector { return o.(*appsv1.StatefulSet).Spec.Selector },
	},
	"DaemonSet": {
		name: "DaemonSet",
		list: func(ctx context.Context, c kubernetes.Interface, ns string) ([]metav1.Object, string, error) {
			l, err := c.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, "", err
			}
			return objects(l.Items), l.ResourceVersion, nil
		},
		watch: func(ctx context.Context, c kubernetes.Interface, ns, rv string) (watch.Interface, error) {
			return c.AppsV1().DaemonSets(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
		},
		get: func(ctx context.Context, c kubernetes.Interface, ns, name string) (metav1.Object, error) {
			return c.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		},
		ready: func(o metav1.Object) bool { return DaemonSetReady(o.(*appsv1.DaemonSet)) },
		status: func(o metav1.Object) string {
			d := o.(*appsv1.DaemonSet)
			return fmt.Sprintf("%d of %d pods available (one per node it should run on), %d updated",
				d.Status.NumberAvailable, d.Status.DesiredNumberScheduled, d.Status.UpdatedNumberScheduled)
		},
		selector: func(o metav1.Object) *metav1.LabelSelector { return o.(*appsv1.DaemonSet).Spec.Selector },
	},
}

// objects gives the items of a typed list as objects.
func objects[T any, PT interface {
	*T
	metav1.Object
}](items []T) []metav1.Object {
	out := make([]metav1.Object, len(items))
	for i := range items {
		out[i] = PT(&items[i])
	}
	return out
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// Available reports whether a Deployment has rolled out completely: the
// controller saw the latest spec and every desired replica is updated and available.
func Available(d *appsv1.Deployment) bool {
	want := replicas(d.Spec.Replicas)
	s := d.Status
	return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas >= want && s.AvailableReplicas >= want && s.Replicas == s.UpdatedReplicas
}

// StatefulSetReady reports whether a StatefulSet has every desired replica
// ready and, with the RollingUpdate strategy, updated from the partition up.
func StatefulSetReady(s *appsv1.StatefulSet) bool {
	want := replicas(s.Spec.Replicas)
	st := s.Status
	if st.ObservedGeneration < s.Generation || st.ReadyReplicas < want {
		return false
	}
	if s.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		return true
	}
	partition := int32(0)
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
		partition = *ru.Partition
	}
	if partition > 0 {
		return st.UpdatedReplicas >= want-partition
	}
	return st.UpdatedReplicas >= want && (st.UpdateRevision == "" || st.CurrentRevision == st.UpdateRevision)
}

// DaemonSetReady reports whether a DaemonSet runs an available pod on every
// node it should and, with the RollingUpdate strategy, all of them updated.
func DaemonSetReady(d *appsv1.DaemonSet) bool {
	st := d.Status
	if st.ObservedGeneration < d.Generation {
		return false
	}
	if st.NumberAvailable < st.DesiredNumberScheduled || st.NumberReady < st.DesiredNumberScheduled {
		return false
	}
	if d.Spec.UpdateStrategy.Type == appsv1.OnDeleteDaemonSetStrategyType {
		return true
	}
	return st.UpdatedNumberScheduled >= st.DesiredNumberScheduled
}
