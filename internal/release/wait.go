package release

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/kube"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// ObjectRef names a namespaced object; Kind is set for workloads.
type ObjectRef struct{ Kind, Namespace, Name string }

func (r ObjectRef) String() string { return r.Kind + " " + r.Namespace + "/" + r.Name }

// workloadsIn lists the objects of a release that Apply waits for: its
// Deployments, StatefulSets and DaemonSets.
func workloadsIn(resources kube.ResourceList) []ObjectRef {
	var out []ObjectRef
	for _, info := range resources {
		if info.Mapping == nil {
			continue
		}
		if kind := info.Mapping.GroupVersionKind.Kind; workloadKinds[kind] != nil {
			out = append(out, ObjectRef{Kind: kind, Namespace: info.Namespace, Name: info.Name})
		}
	}
	return out
}

// Waiter waits for workloads (Deployments, StatefulSets, DaemonSets) to be
// ready, and for hooks to complete, by watching them.
type Waiter struct {
	Client kubernetes.Interface
	Logf   func(format string, args ...any)
}

// NotReadyError says what did not become ready in time (workloads, or a
// hook), and why.
type NotReadyError struct {
	// What did not happen, e.g. "the pre-install hook Job hook-image-awaiter did not complete".
	What    string
	Timeout time.Duration
	Reasons []string
}

func (e *NotReadyError) Error() string {
	what := e.What
	if what == "" {
		what = "not ready"
	}
	return fmt.Sprintf("%s after %s:\n%s", what, e.Timeout.Round(time.Second), strings.Join(e.Reasons, "\n"))
}

// Wait returns when every workload in refs is ready (see Ready), or after
// timeout with a NotReadyError naming the ones that are not, their pods'
// states and their latest events.
func (w *Waiter) Wait(ctx context.Context, refs []ObjectRef, timeout time.Duration) error {
	if len(refs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type group struct{ kind, ns string }
	groups := map[group]map[string]bool{}
	var order []group
	for _, r := range refs {
		g := group{r.Kind, r.Namespace}
		if groups[g] == nil {
			groups[g] = map[string]bool{}
			order = append(order, g)
		}
		groups[g][r.Name] = false
	}
	for _, g := range order {
		if err := w.waitKind(ctx, workloadKinds[g.kind], g.ns, groups[g]); err != nil {
			if ctx.Err() == nil {
				return err
			}
			var reasons, kinds []string
			var states []map[string]bool
			for _, g := range order {
				reasons = append(reasons, w.explain(context.Background(), g.kind, g.ns, groups[g])...)
				kinds, states = append(kinds, g.kind), append(states, groups[g])
			}
			return &NotReadyError{What: notReadyWhat(kinds, states), Timeout: timeout, Reasons: reasons}
		}
	}
	return nil
}

// notReadyWhat names the kinds still not ready, e.g. "StatefulSets, DaemonSets not ready".
func notReadyWhat(kinds []string, ready []map[string]bool) string {
	var names []string
	seen := map[string]bool{}
	for i, k := range kinds {
		if !allTrue(ready[i]) && !seen[k] {
			seen[k] = true
			names = append(names, k+"s")
		}
	}
	if len(names) == 1 && names[0] == "Deployments" {
		return "Deployments not available"
	}
	return strings.Join(names, ", ") + " not ready"
}

func (w *Waiter) logf(format string, args ...any) {
	if w.Logf != nil {
		w.Logf(format, args...)
	}
}

// waitKind lists one kind's objects in a namespace once, then follows a
// watch from that point; a closed watch is resumed from a fresh list.
func (w *Waiter) waitKind(ctx context.Context, k *workloadKind, ns string, ready map[string]bool) error {
	for {
		objs, rv, err := k.list(ctx, w.Client, ns)
		if err != nil {
			return err
		}
		for _, o := range objs {
			w.observe(k, o, ready)
		}
		if allTrue(ready) {
			return nil
		}
		watcher, err := k.watch(ctx, w.Client, ns, rv)
		if err != nil {
			return err
		}
		for ev := range watcher.ResultChan() {
			if ev.Type == watch.Error {
				break
			}
			if o, ok := ev.Object.(metav1.Object); ok && ev.Type != watch.Deleted {
				w.observe(k, o, ready)
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

func (w *Waiter) observe(k *workloadKind, o metav1.Object, ready map[string]bool) {
	was, tracked := ready[o.GetName()]
	if !tracked {
		return
	}
	now := k.ready(o)
	if now != was {
		ready[o.GetName()] = now
		if now {
			w.logf("%s %s/%s is ready", strings.ToLower(k.name), o.GetNamespace(), o.GetName())
		}
	}
}

func allTrue(m map[string]bool) bool {
	for _, v := range m {
		if !v {
			return false
		}
	}
	return true
}

// explain describes each workload still not ready: its counts, each pod's
// state and reason, images that do not pull, and the latest events about them.
func (w *Waiter) explain(ctx context.Context, kind, ns string, ready map[string]bool) []string {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	k := workloadKinds[kind]
	var names []string
	for n, ok := range ready {
		if !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil
	}
	events, _ := w.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	var out []string
	for _, name := range names {
		o, err := k.get(ctx, w.Client, ns, name)
		if err != nil {
			out = append(out, fmt.Sprintf("%s %s/%s: %v", kind, ns, name, err))
			continue
		}
		if k.ready(o) {
			// Not waited for yet when the time ran out on another workload.
			ready[name] = true
			continue
		}
		out = append(out, fmt.Sprintf("%s %s/%s: %s", kind, ns, name, k.status(o)))
		involved := map[string]bool{kind + "/" + name: true}
		var pods []corev1.Pod
		if sel, err := metav1.LabelSelectorAsSelector(k.selector(o)); err == nil {
			list, _ := w.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
			if list != nil {
				for _, p := range list.Items {
					if !ownedBy(&p, o) && kind != "Deployment" {
						continue
					}
					pods = append(pods, p)
					involved["Pod/"+p.Name] = true
					for _, ref := range p.OwnerReferences {
						involved[ref.Kind+"/"+ref.Name] = true
					}
					if len(pods) <= maxPodsExplained {
						out = append(out, "  "+podState(&p))
					}
				}
			}
			if kind == "Deployment" {
				// A ReplicaSet that cannot create pods (quota, admission) says so in its events.
				rss, _ := w.Client.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
				if rss != nil {
					for _, rs := range rss.Items {
						involved["ReplicaSet/"+rs.Name] = true
					}
				}
			}
			if len(pods) > maxPodsExplained {
				out = append(out, fmt.Sprintf("  ... and %d more pods", len(pods)-maxPodsExplained))
			}
		}
		out = append(out, unpulledImages(pods)...)
		if events != nil {
			out = append(out, latestEvents(events.Items, involved, 5)...)
		}
	}
	return out
}

// ownedBy reports whether pod p is controlled by o (selectors of
// StatefulSets and DaemonSets may match other pods).
func ownedBy(p *corev1.Pod, o metav1.Object) bool {
	for _, ref := range p.OwnerReferences {
		if ref.UID == o.GetUID() {
			return true
		}
	}
	return false
}

func podState(p *corev1.Pod) string {
	var why []string
	for _, c := range p.Status.Conditions {
		if c.Status != corev1.ConditionTrue && c.Message != "" {
			why = append(why, fmt.Sprintf("%s: %s", c.Type, c.Message))
		}
	}
	for _, group := range []struct {
		what     string
		statuses []corev1.ContainerStatus
	}{{"init container", p.Status.InitContainerStatuses}, {"container", p.Status.ContainerStatuses}} {
		for _, cs := range group.statuses {
			if w := cs.State.Waiting; w != nil && w.Reason != "PodInitializing" {
				why = append(why, strings.TrimSpace(fmt.Sprintf("%s %s waiting: %s %s", group.what, cs.Name, w.Reason, w.Message)))
			}
			if t := cs.State.Terminated; t != nil && t.ExitCode != 0 {
				why = append(why, strings.TrimSpace(fmt.Sprintf("%s %s terminated: %s (exit %d) %s", group.what, cs.Name, t.Reason, t.ExitCode, t.Message)))
			}
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

// HookRef names a hook resource Helm waits for.
type HookRef struct {
	Event     string // the event being run, e.g. "pre-install"
	Kind      string // Job or Pod
	Namespace string
	Name      string
}

func (h HookRef) String() string {
	return fmt.Sprintf("%s hook %s %s", h.Event, h.Kind, h.Name)
}

func firstEvent(events string) string {
	e, _, _ := strings.Cut(events, ",")
	return e
}

// HookFailedError is a hook Job or Pod that ran and failed.
type HookFailedError struct {
	Hook    HookRef
	Reasons []string
}

func (e *HookFailedError) Error() string {
	return fmt.Sprintf("the %s failed:\n%s", e.Hook, strings.Join(e.Reasons, "\n"))
}

// WaitHook returns when the hook Job completes or the hook Pod succeeds. A
// failed hook is a *HookFailedError; a timeout a *NotReadyError naming the
// hook, the pods holding it up and why (an image that does not pull, on which
// nodes), and the latest events.
func (w *Waiter) WaitHook(ctx context.Context, ref HookRef, timeout time.Duration) error {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done, err := w.watchHook(wctx, ref)
	if done {
		return err
	}
	if wctx.Err() == nil || ctx.Err() != nil {
		return err
	}
	return &NotReadyError{
		What:    fmt.Sprintf("the %s did not complete", ref),
		Timeout: timeout,
		Reasons: w.explainHook(context.Background(), ref),
	}
}

// watchHook follows the hook object until it finishes; done reports that it
// did (err then says how), as opposed to the watch ending early.
func (w *Waiter) watchHook(ctx context.Context, ref HookRef) (done bool, err error) {
	selector := "metadata.name=" + ref.Name
	for {
		var rv string
		var finished bool
		switch ref.Kind {
		case "Job":
			list, err := w.Client.BatchV1().Jobs(ref.Namespace).List(ctx, metav1.ListOptions{FieldSelector: selector})
			if err != nil {
				return false, err
			}
			for i := range list.Items {
				if finished, err = w.jobFinished(ctx, ref, &list.Items[i]); finished {
					return true, err
				}
			}
			rv = list.ResourceVersion
		case "Pod":
			list, err := w.Client.CoreV1().Pods(ref.Namespace).List(ctx, metav1.ListOptions{FieldSelector: selector})
			if err != nil {
				return false, err
			}
			for i := range list.Items {
				if finished, err = podFinished(ref, &list.Items[i]); finished {
					return true, err
				}
			}
			rv = list.ResourceVersion
		default:
			return true, nil
		}
		var watcher watch.Interface
		var err error
		if ref.Kind == "Job" {
			watcher, err = w.Client.BatchV1().Jobs(ref.Namespace).Watch(ctx, metav1.ListOptions{FieldSelector: selector, ResourceVersion: rv})
		} else {
			watcher, err = w.Client.CoreV1().Pods(ref.Namespace).Watch(ctx, metav1.ListOptions{FieldSelector: selector, ResourceVersion: rv})
		}
		if err != nil {
			return false, err
		}
		for ev := range watcher.ResultChan() {
			if ev.Type == watch.Error {
				break
			}
			switch o := ev.Object.(type) {
			case *batchv1.Job:
				finished, err = w.jobFinished(ctx, ref, o)
			case *corev1.Pod:
				finished, err = podFinished(ref, o)
			}
			if finished {
				watcher.Stop()
				return true, err
			}
		}
		watcher.Stop()
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
}

func (w *Waiter) jobFinished(ctx context.Context, ref HookRef, j *batchv1.Job) (bool, error) {
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			w.logf("%s completed", ref)
			return true, nil
		case batchv1.JobFailed:
			reasons := []string{fmt.Sprintf("Job %s/%s: %s %s", j.Namespace, j.Name, c.Reason, c.Message)}
			for _, p := range w.jobPods(ctx, j) {
				reasons = append(reasons, "  "+podState(&p))
			}
			return true, &HookFailedError{Hook: ref, Reasons: reasons}
		}
	}
	return false, nil
}

func podFinished(ref HookRef, p *corev1.Pod) (bool, error) {
	switch p.Status.Phase {
	case corev1.PodSucceeded:
		return true, nil
	case corev1.PodFailed:
		return true, &HookFailedError{Hook: ref, Reasons: []string{"  " + podState(p)}}
	}
	return false, nil
}

func (w *Waiter) jobPods(ctx context.Context, j *batchv1.Job) []corev1.Pod {
	if j.Spec.Selector == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(j.Spec.Selector)
	if err != nil {
		return nil
	}
	pods, err := w.Client.CoreV1().Pods(j.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil
	}
	return pods.Items
}

// maxPodsExplained bounds the pods listed when explaining a hook.
const maxPodsExplained = 8

// explainHook describes a hook that did not finish: its own pods, the other
// pods of the namespace that are not ready (what a hook such as z2jh's
// image-awaiter waits for), images that do not pull and on which nodes, and
// the latest events about all of them.
func (w *Waiter) explainHook(ctx context.Context, ref HookRef) []string {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var out []string
	involved := map[string]bool{ref.Kind + "/" + ref.Name: true}
	own := map[string]bool{}
	if ref.Kind == "Job" {
		j, err := w.Client.BatchV1().Jobs(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return []string{fmt.Sprintf("Job %s/%s: %v", ref.Namespace, ref.Name, err)}
		}
		out = append(out, fmt.Sprintf("Job %s/%s (%s hook): %d succeeded, %d active, %d failed", ref.Namespace, ref.Name,
			ref.Event, j.Status.Succeeded, j.Status.Active, j.Status.Failed))
		for _, p := range w.jobPods(ctx, j) {
			own[p.Name], involved["Pod/"+p.Name] = true, true
			out = append(out, "  "+podState(&p))
		}
	}
	pods, err := w.Client.CoreV1().Pods(ref.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return append(out, fmt.Sprintf("listing pods in %s: %v", ref.Namespace, err))
	}
	var holding []corev1.Pod
	for _, p := range pods.Items {
		if !own[p.Name] && p.Name != ref.Name && p.Status.Phase != corev1.PodSucceeded && !podReady(&p) {
			holding = append(holding, p)
		}
	}
	sort.Slice(holding, func(i, j int) bool { return holding[i].Name < holding[j].Name })
	if len(holding) > 0 {
		out = append(out, fmt.Sprintf("Pods in %s that are not ready, which the hook may be waiting for:", ref.Namespace))
	}
	for i, p := range holding {
		for _, o := range p.OwnerReferences {
			involved[o.Kind+"/"+o.Name] = true
		}
		involved["Pod/"+p.Name] = true
		if i < maxPodsExplained {
			out = append(out, "  "+ownerPrefix(&p)+podState(&p))
		} else if i == maxPodsExplained {
			out = append(out, fmt.Sprintf("  ... and %d more", len(holding)-maxPodsExplained))
		}
	}
	out = append(out, unpulledImages(holding)...)
	if events, err := w.Client.CoreV1().Events(ref.Namespace).List(ctx, metav1.ListOptions{}); err == nil {
		out = append(out, latestEvents(events.Items, involved, 5)...)
	}
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func ownerPrefix(p *corev1.Pod) string {
	for _, o := range p.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			return o.Kind + " " + o.Name + ": "
		}
	}
	return ""
}

// unpulledImages sums up the images that fail to pull, with the nodes where
// they fail: the usual cause of a hung image puller.
func unpulledImages(pods []corev1.Pod) []string {
	nodes := map[string]map[string]bool{}
	reason := map[string]string{}
	for _, p := range pods {
		for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
			w := cs.State.Waiting
			if w == nil || (w.Reason != "ErrImagePull" && w.Reason != "ImagePullBackOff" && w.Reason != "InvalidImageName") {
				continue
			}
			if nodes[cs.Image] == nil {
				nodes[cs.Image] = map[string]bool{}
			}
			nodes[cs.Image][orDefault(p.Spec.NodeName, "(unscheduled)")] = true
			reason[cs.Image] = w.Reason
		}
	}
	var images []string
	for img := range nodes {
		images = append(images, img)
	}
	sort.Strings(images)
	var out []string
	for _, img := range images {
		var ns []string
		for n := range nodes[img] {
			ns = append(ns, n)
		}
		sort.Strings(ns)
		out = append(out, fmt.Sprintf("Image %s does not pull (%s) on nodes %s: check its name and tag, and that the registry lets the cluster pull it.",
			img, reason[img], strings.Join(ns, ", ")))
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
