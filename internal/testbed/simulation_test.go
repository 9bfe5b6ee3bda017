package testbed

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

func waitUntil(t *testing.T, what string, timeout time.Duration, check func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s (last error: %v)", what, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func job(name string, labels map[string]string, command ...string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{Name: "main", Image: "registry.example.org/tool:1", Command: command}},
				},
			},
		},
	}
}

func jobComplete(ctx context.Context, client kubernetes.Interface, ns, name string) (bool, error) {
	j, err := client.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return true, nil
		}
	}
	return false, nil
}

// TestJobsRunToCompletion: a Job's pod completes on the simulated nodes, so
// charts' hook Jobs finish; user-image build pods are left to the stand-in
// build pod, and stay Running.
func TestJobsRunToCompletion(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, job("plain", nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, job("build", map[string]string{"component": "image-build"}), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the plain Job completes", 30*time.Second, func() (bool, error) { return jobComplete(ctx, client, ns, "plain") })
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "component=image-build"})
	if err != nil || len(pods.Items) != 1 {
		t.Fatalf("build pods: %v %v", pods, err)
	}
	waitUntil(t, "the build pod runs", 30*time.Second, func() (bool, error) {
		p, err := client.CoreV1().Pods(ns).Get(ctx, pods.Items[0].Name, metav1.GetOptions{})
		return err == nil && p.Status.Phase == corev1.PodRunning, err
	})
	time.Sleep(2 * time.Second)
	if done, _ := jobComplete(ctx, client, ns, "build"); done {
		t.Error("a build Job completed without the stand-in build pod")
	}
}

func daemonSet(name, image string) *appsv1.DaemonSet {
	labels := map[string]string{"app": name}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{{Name: "image-pull-singleuser", Image: image, Command: []string{"true"}}},
					Containers:     []corev1.Container{{Name: "pause", Image: "registry.k8s.io/pause:3.10"}},
				},
			},
		},
	}
}

// TestImageAwaiterAndUnpullableImages: z2jh's hook-image-awaiter completes
// once the DaemonSet it names is ready; an image on a ".invalid" registry
// never pulls, its pods stay Pending in ErrImagePull, and the awaiter waits.
func TestImageAwaiterAndUnpullableImages(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	awaiter := func(name, ds string) *batchv1.Job {
		return job(name, map[string]string{"component": AwaiterComponent}, AwaiterCommand, "-namespace="+ns, "-daemonset="+ds)
	}
	for _, ds := range []*appsv1.DaemonSet{daemonSet("pulls", "quay.io/jupyter/base-notebook:2025-01-06"), daemonSet("never", "registry.invalid/jupyter/base-notebok:2025-01-06")} {
		if _, err := client.AppsV1().DaemonSets(ns).Create(ctx, ds, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for name, ds := range map[string]string{"await-pulls": "pulls", "await-never": "never"} {
		if _, err := client.BatchV1().Jobs(ns).Create(ctx, awaiter(name, ds), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the awaiter of a ready DaemonSet completes", 60*time.Second, func() (bool, error) { return jobComplete(ctx, client, ns, "await-pulls") })

	var stuck []corev1.Pod
	waitUntil(t, "the unpullable image's pods show ErrImagePull", 30*time.Second, func() (bool, error) {
		pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=never"})
		if err != nil || len(pods.Items) == 0 {
			return false, err
		}
		for _, p := range pods.Items {
			if len(p.Status.InitContainerStatuses) == 0 || p.Status.InitContainerStatuses[0].State.Waiting == nil ||
				p.Status.InitContainerStatuses[0].State.Waiting.Reason != "ErrImagePull" {
				return false, nil
			}
		}
		stuck = pods.Items
		return true, nil
	})
	for _, p := range stuck {
		w := p.Status.InitContainerStatuses[0].State.Waiting
		if p.Status.Phase != corev1.PodPending || p.Spec.NodeName == "" || !strings.Contains(w.Message, "registry.invalid/jupyter/base-notebok:2025-01-06") {
			t.Errorf("pod %s on %q: phase %s, waiting %+v", p.Name, p.Spec.NodeName, p.Status.Phase, w)
		}
		if c := p.Status.ContainerStatuses; len(c) != 1 || c[0].State.Waiting == nil || c[0].State.Waiting.Reason != "PodInitializing" {
			t.Errorf("pod %s main container: %+v", p.Name, c)
		}
	}
	time.Sleep(2 * time.Second)
	if done, _ := jobComplete(ctx, client, ns, "await-never"); done {
		t.Error("the awaiter of a DaemonSet whose image never pulls completed")
	}
}

// TestAPIServerRestart: the API server can be killed and started again on
// the same address and data, and the rest of the control plane carries on.
func TestAPIServerRestart(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cp.StopAPIServer()
	if _, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("with the API server stopped: %v", err)
	}
	if err := cp.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	// The controllers work again: a Job still runs to completion.
	if _, err := client.BatchV1().Jobs(ns).Create(ctx, job("after-restart", nil), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a Job after the restart completes", 45*time.Second, func() (bool, error) { return jobComplete(ctx, client, ns, "after-restart") })
}

// TestNamespacedWatches: a client's watch on Deployments in one namespace is
// counted while it is open and not after it stops; the controllers' own
// cluster-wide watches are not counted.
func TestNamespacedWatches(t *testing.T) {
	cp := Get(t)
	ns := cp.Namespace(t)
	client, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	count := func() int {
		n, err := cp.NamespacedWatches(ctx, "deployments")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	w, err := client.AppsV1().Deployments(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the watch is counted", 10*time.Second, func() (bool, error) { return count() == before+1, nil })
	w.Stop()
	waitUntil(t, "the stopped watch is no longer counted", 10*time.Second, func() (bool, error) { return count() == before, nil })
}
