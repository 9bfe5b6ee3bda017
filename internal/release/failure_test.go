package release

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	corev1 "k8s.io/api/core/v1"
	resourceapi "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// TestHookTimeoutNamesTheImageThatDoesNotPull installs the real chart with a
// user image that cannot be pulled: the pre-install hook (the image awaiter)
// never completes, and the error names the hook, the image-puller pods, the
// image and the nodes, instead of Helm's "timed out waiting for the condition".
func TestHookTimeoutNamesTheImageThatDoesNotPull(t *testing.T) {
	ch := z2jhtest.Chart(t)
	c, _, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	image := "registry.invalid/jupyter/scipy-notebok"
	values := map[string]any{"singleuser": map[string]any{"image": map[string]any{"name": image, "tag": "2025-01-06"}}}
	_, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub-" + ns[len(ns)-6:], Chart: ch, Values: values, Timeout: 20 * time.Second})
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("want an ApplyError, got %v", err)
	}
	msg := err.Error()
	t.Logf("the error a person sees:\n%s", msg)
	for _, want := range []string{
		"waiting for the pre-install hook Job hook-image-awaiter",
		"the pre-install hook Job hook-image-awaiter did not complete",
		"DaemonSet hook-image-puller: pod hook-image-puller-",
		"init container image-pull-singleuser waiting: ErrImagePull",
		"Image " + image + ":2025-01-06 does not pull (ErrImagePull) on nodes core-0, user-0",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q", want)
		}
	}
	if ae.Unreachable || !strings.Contains(ae.Undo, "failed install was removed") {
		t.Errorf("unreachable %v, undo %q; want the failed install removed", ae.Unreachable, ae.Undo)
	}
}

// TestClusterLostMidUpgrade kills the API server while an upgrade waits: the
// error says the cluster stopped answering and at which step, claims no
// rollback, and once the server is back the next apply repairs the release.
func TestClusterLostMidUpgrade(t *testing.T) {
	c, cs, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	ch := testChart(t)
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	stuck := map[string]any{"hub": map[string]any{"nodeSelector": map[string]any{"pool": "nowhere"}}}
	done := make(chan error, 1)
	go func() {
		_, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: stuck, Timeout: time.Minute})
		done <- err
	}()
	// Once the upgraded hub's pod is Pending and the Deployments are
	// watched, the upgrade is waiting for it (the pod alone can be Pending
	// while Helm still applies the objects after the Deployments).
	for waiting := false; !waiting; time.Sleep(100 * time.Millisecond) {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			waiting = waiting || (p.Spec.NodeSelector["pool"] == "nowhere" && p.Status.Phase == corev1.PodPending)
		}
		watches, err := cp.NamespacedWatches(ctx, "deployments")
		if err != nil {
			t.Fatal(err)
		}
		waiting = waiting && watches > 0
	}
	cp.StopAPIServer()
	restarted := false
	defer func() {
		if !restarted {
			_ = cp.StartAPIServer(context.Background())
		}
	}()
	err := <-done
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("want an ApplyError, got %v", err)
	}
	t.Logf("the error a person sees:\n%s", err)
	if !ae.Unreachable || ae.Undo != "" || !strings.Contains(ae.Step, "waiting for the Deployments") {
		t.Errorf("unreachable %v, undo %q, step %q; want unreachable while waiting for the Deployments, nothing undone", ae.Unreachable, ae.Undo, ae.Step)
	}
	if err := cp.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	res, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute})
	if err != nil {
		t.Fatalf("the apply after the cluster came back: %v", err)
	}
	if !res.Info.Deployed() || !strings.Contains(res.Recovered, "rolled back to revision 1") {
		t.Errorf("after the repair: %+v, recovered %q", res.Info, res.Recovered)
	}
}

// TestReinstallAfterKeepHistory: `helm uninstall --keep-history` leaves the
// release's history with an uninstalled revision; applying again installs it.
func TestReinstallAfterKeepHistory(t *testing.T) {
	c, _, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	ch := testChart(t)
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := c.actionConfig(ctx, ns, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	un := action.NewUninstall(cfg)
	un.KeepHistory = true
	if _, err := un.Run("hub"); err != nil {
		t.Fatal(err)
	}
	if latest, err := c.Latest(ctx, ns, "hub"); err != nil || latest == nil || latest.Status != "uninstalled" {
		t.Fatalf("after uninstall --keep-history: %+v %v", latest, err)
	}
	res, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Info.Deployed() || res.Info.Revision != 2 {
		t.Errorf("re-install: %+v", res.Info)
	}
}

// TestCleanupDeletesOnlyThisRelease: with user data deletion, another hub's
// claims in the same namespace stay, and so does a namespace the provider
// did not create for this release.
func TestCleanupDeletesOnlyThisRelease(t *testing.T) {
	c, cs, cp := newClient(t)
	ctx := ctxFor(t)
	claim := func(ns, name string, labels, annotations map[string]string) {
		t.Helper()
		pvc := &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resourceapi.MustParse("1Gi")}},
			},
		}
		if _, err := cs.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	user := func(release, name string) map[string]string {
		return map[string]string{"component": "singleuser-storage", "release": release, "hub.jupyter.org/username": name}
	}

	// A namespace the provider created for hub "a", shared with hub "b".
	ns := "cleanup-" + cp.Namespace(t)[len(cp.Namespace(t))-6:]
	t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	if _, err := c.EnsureNamespace(ctx, ns, "a"); err != nil {
		t.Fatal(err)
	}
	claim(ns, "claim-ada", user("a", "ada"), nil)
	claim(ns, "hub-db-dir", nil, map[string]string{"meta.helm.sh/release-name": "a", "meta.helm.sh/release-namespace": ns})
	claim(ns, "claim-bob", user("b", "bob"), nil)
	out, err := c.CleanupAfterUninstall(ctx, ns, "a", true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(out.DeletedClaims, ",") != "claim-ada,hub-db-dir" || strings.Join(out.KeptClaims, ",") != "claim-bob" || out.NamespaceDeleted {
		t.Errorf("cleanup of a: %s", out)
	}

	// A namespace the provider created for something else (an auth, hub "b"):
	// deleting a's data does not delete the namespace.
	other := cp.Namespace(t)
	if _, err := cs.CoreV1().Namespaces().Patch(ctx, other, "application/merge-patch+json",
		[]byte(`{"metadata":{"labels":{"app.kubernetes.io/managed-by":"terraform-provider-twoi2chub"},"annotations":{"`+CreatedForAnnotation+`":"b"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	out, err = c.CleanupAfterUninstall(ctx, other, "a", true)
	if err != nil {
		t.Fatal(err)
	}
	if out.NamespaceDeleted {
		t.Error("a namespace created for release b was deleted with release a's data")
	}
}
