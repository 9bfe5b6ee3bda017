package release

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// waitingKube is Helm's kube client with Wait replaced by Waiter, so Helm
// keeps its release bookkeeping (pending while waiting, failed or deployed
// after, atomic rollback) while waiting is done by watching the objects and
// explained when it fails.
type waitingKube struct {
	*kube.Client
	waiter *Waiter
	ctx    context.Context
}

func (k *waitingKube) Wait(resources kube.ResourceList, timeout time.Duration) error {
	return k.waiter.Wait(k.ctx, deploymentsIn(resources), timeout)
}

func (k *waitingKube) WaitWithJobs(resources kube.ResourceList, timeout time.Duration) error {
	return k.Wait(resources, timeout)
}

// ObjectRef names a namespaced object.
type ObjectRef struct{ Namespace, Name string }

func deploymentsIn(resources kube.ResourceList) []ObjectRef {
	var out []ObjectRef
	for _, info := range resources {
		if info.Mapping != nil && info.Mapping.GroupVersionKind.Kind == "Deployment" {
			out = append(out, ObjectRef{Namespace: info.Namespace, Name: info.Name})
		}
	}
	return out
}

// Waiter waits for Deployments to become available by watching them.
type Waiter struct {
	Client kubernetes.Interface
	Logf   func(format string, args ...any)
}

// NotReadyError says which Deployments did not become available, and why.
type NotReadyError struct {
	Timeout time.Duration
	Reasons []string
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("not ready after %s:\n%s", e.Timeout, strings.Join(e.Reasons, "\n"))
}

// Wait returns when every Deployment in refs is available, or after timeout
// with a NotReadyError naming the ones that are not, their pods' states and
// their latest events.
func (w *Waiter) Wait(ctx context.Context, refs []ObjectRef, timeout time.Duration) error {
	if len(refs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	byNamespace := map[string]map[string]bool{}
	for _, r := range refs {
		if byNamespace[r.Namespace] == nil {
			byNamespace[r.Namespace] = map[string]bool{}
		}
		byNamespace[r.Namespace][r.Name] = false
	}
	for ns, pending := range byNamespace {
		if err := w.waitNamespace(ctx, ns, pending); err != nil {
			if ctx.Err() == nil {
				return err
			}
			return &NotReadyError{Timeout: timeout, Reasons: w.explain(context.Background(), ns, pending)}
		}
	}
	return nil
}

func (w *Waiter) logf(format string, args ...any) {
	if w.Logf != nil {
		w.Logf(format, args...)
	}
}

// waitNamespace lists the Deployments once, then follows a watch from that
// point; a closed watch is resumed from a fresh list.
func (w *Waiter) waitNamespace(ctx context.Context, ns string, ready map[string]bool) error {
	deployments := w.Client.AppsV1().Deployments(ns)
	for {
		list, err := deployments.List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for i := range list.Items {
			w.observe(&list.Items[i], ready)
		}
		if allTrue(ready) {
			return nil
		}
		watcher, err := deployments.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
		if err != nil {
			return err
		}
		for ev := range watcher.ResultChan() {
			if ev.Type == watch.Error {
				break
			}
			if d, ok := ev.Object.(*appsv1.Deployment); ok && ev.Type != watch.Deleted {
				w.observe(d, ready)
			}
			if allTrue(ready) {
				watcher.Stop()
				return nil
			}
		}
		watcher.Stop()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (w *Waiter) observe(d *appsv1.Deployment, ready map[string]bool) {
	was, tracked := ready[d.Name]
	if !tracked {
		return
	}
	now := Available(d)
	if now != was {
		ready[d.Name] = now
		if now {
			w.logf("deployment %s/%s is available", d.Namespace, d.Name)
		}
	}
}

// Available reports whether a Deployment has rolled out completely: the
// controller saw the latest spec and every desired replica is updated and available.
func Available(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	return s.ObservedGeneration >= d.Generation && s.UpdatedReplicas >= want && s.AvailableReplicas >= want && s.Replicas == s.UpdatedReplicas
}

func allTrue(m map[string]bool) bool {
	for _, v := range m {
		if !v {
			return false
		}
	}
	return true
}

// explain describes each Deployment still not available: replica counts,
// each pod's state and reason, and the latest events about them.
func (w *Waiter) explain(ctx context.Context, ns string, ready map[string]bool) []string {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var names []string
	for n, ok := range ready {
		if !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	events, _ := w.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	var out []string
	for _, name := range names {
		d, err := w.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			out = append(out, fmt.Sprintf("Deployment %s/%s: %v", ns, name, err))
			continue
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		out = append(out, fmt.Sprintf("Deployment %s/%s: %d of %d replicas available", ns, name, d.Status.AvailableReplicas, want))
		involved := map[string]bool{"Deployment/" + name: true}
		if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
			pods, _ := w.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
			if pods != nil {
				for _, p := range pods.Items {
					involved["Pod/"+p.Name] = true
					out = append(out, "  "+podState(&p))
				}
			}
			rss, _ := w.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.Set(d.Spec.Selector.MatchLabels).String()})
			if rss != nil {
				for _, rs := range rss.Items {
					involved["ReplicaSet/"+rs.Name] = true
				}
			}
		}
		if events != nil {
			out = append(out, latestEvents(events.Items, involved, 5)...)
		}
	}
	return out
}

func podState(p *corev1.Pod) string {
	var why []string
	for _, c := range p.Status.Conditions {
		if c.Status != corev1.ConditionTrue && c.Message != "" {
			why = append(why, fmt.Sprintf("%s: %s", c.Type, c.Message))
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Waiting != nil {
			why = append(why, fmt.Sprintf("container %s waiting: %s %s", cs.Name, cs.State.Waiting.Reason, cs.State.Waiting.Message))
		}
		if cs.State.Terminated != nil {
			why = append(why, fmt.Sprintf("container %s terminated: %s (exit %d)", cs.Name, cs.State.Terminated.Reason, cs.State.Terminated.ExitCode))
		}
	}
	s := fmt.Sprintf("pod %s: %s", p.Name, p.Status.Phase)
	if p.Spec.NodeName != "" {
		s += " on " + p.Spec.NodeName
	}
	if len(why) > 0 {
		s += "; " + strings.Join(why, "; ")
	}
	return s
}

func latestEvents(all []corev1.Event, involved map[string]bool, n int) []string {
	var mine []corev1.Event
	for _, e := range all {
		if involved[e.InvolvedObject.Kind+"/"+e.InvolvedObject.Name] {
			mine = append(mine, e)
		}
	}
	when := func(e corev1.Event) time.Time {
		switch {
		case !e.LastTimestamp.IsZero():
			return e.LastTimestamp.Time
		case !e.EventTime.IsZero():
			return e.EventTime.Time
		}
		return e.CreationTimestamp.Time
	}
	sort.Slice(mine, func(i, j int) bool { return when(mine[i]).After(when(mine[j])) })
	out, seen := []string{}, map[string]bool{}
	for _, e := range mine {
		line := fmt.Sprintf("  event %s %s (%s/%s): %s", e.Type, e.Reason, e.InvolvedObject.Kind, e.InvolvedObject.Name, strings.TrimSpace(e.Message))
		if seen[line] {
			continue
		}
		seen[line] = true
		if out = append(out, line); len(out) == n {
			break
		}
	}
	return out
}
