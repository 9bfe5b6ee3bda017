package testbed

import (
	"context"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// AwaiterComponent is the component label zero-to-jupyterhub gives its
// image-puller pods, the hook-image-awaiter's among them; kwok leaves pods
// running AwaiterCommand to playImageAwaiters.
const (
	AwaiterComponent = "image-puller"
	AwaiterCommand   = "/image-awaiter"
)

// playImageAwaiters does what zero-to-jupyterhub's image-awaiter program
// does inside its pod, since no kubelet runs it here: it waits until every
// pod of the DaemonSet named by its -daemonset flag is ready (their images
// pulled), then exits 0. A pod whose image does not pull (see kwok-stages.yaml)
// keeps the DaemonSet unready, so the Helm hook waits as it would on a real
// cluster. Runs until ctx ends.
func playImageAwaiters(ctx context.Context, client kubernetes.Interface) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		pods, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "component=" + AwaiterComponent})
		if err == nil {
			for i := range pods.Items {
				p := &pods.Items[i]
				if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil && runs(p, AwaiterCommand) && daemonSetReady(ctx, client, p) {
					completePod(ctx, client, p)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func runs(p *corev1.Pod, command string) bool {
	return len(p.Spec.Containers) > 0 && len(p.Spec.Containers[0].Command) > 0 && p.Spec.Containers[0].Command[0] == command
}

// daemonSetReady reads the awaiter's -namespace and -daemonset flags and
// reports whether that DaemonSet has every scheduled pod updated and ready.
func daemonSetReady(ctx context.Context, client kubernetes.Interface, p *corev1.Pod) bool {
	if len(p.Spec.Containers) == 0 {
		return false
	}
	ns, name := p.Namespace, ""
	c := p.Spec.Containers[0]
	for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
		if v, ok := strings.CutPrefix(arg, "-namespace="); ok {
			ns = v
		}
		if v, ok := strings.CutPrefix(arg, "-daemonset="); ok {
			name = v
		}
	}
	if name == "" {
		return false
	}
	ds, err := client.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false
	}
	return daemonSetRolledOut(ds)
}

func daemonSetRolledOut(ds *appsv1.DaemonSet) bool {
	s := ds.Status
	return s.ObservedGeneration >= ds.Generation && s.NumberReady >= s.DesiredNumberScheduled &&
		s.UpdatedNumberScheduled >= s.DesiredNumberScheduled
}

// completePod marks a running pod as exited successfully, as a kubelet would.
func completePod(ctx context.Context, client kubernetes.Interface, p *corev1.Pod) {
	now := metav1.Now()
	p.Status.Phase = corev1.PodSucceeded
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "PodCompleted", LastTransitionTime: now}}
	p.Status.ContainerStatuses = nil
	for _, c := range p.Spec.Containers {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now}},
		})
	}
	_, _ = client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
}
