package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/kube"
	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// progress records what an operation is doing, so that a failure can say at
// which step it happened, and keeps the explained error of a wait that
// failed (Helm flattens hook errors into strings).
type progress struct {
	mu      sync.Mutex
	op      string // install, upgrade, rollback, delete: from the status Helm records
	step    string
	failed  bool // the step of the first failure stays, not the bookkeeping after it
	waitErr error
}

func (p *progress) set(format string, args ...any) {
	p.mu.Lock()
	if !p.failed {
		p.step = fmt.Sprintf(format, args...)
	}
	p.mu.Unlock()
}

// check keeps the current step as the failing one when err is set.
func (p *progress) check(err error) error {
	if err != nil {
		p.mu.Lock()
		p.failed = true
		p.mu.Unlock()
	}
	return err
}

func (p *progress) waitFailed(err error) error {
	p.mu.Lock()
	p.waitErr, p.failed = err, true
	p.mu.Unlock()
	return err
}

// failure returns the step under way and the most telling cause of err.
func (p *progress) failure(err error) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var nr *NotReadyError
	if p.waitErr != nil && !errors.As(err, &nr) {
		err = p.waitErr
	}
	return p.step, err
}

// actionConfig builds Helm's per-namespace configuration over the shared
// client config, with our waiting in place of Helm's --wait and a record of
// each step. Waiting stops at deadline, whatever timeout Helm passes.
func (c *Client) actionConfig(ctx context.Context, namespace string, deadline time.Time) (*action.Configuration, *progress, error) {
	getter := &restGetter{client: c, namespace: namespace}
	cfg := new(action.Configuration)
	if err := cfg.Init(getter, namespace, "secret", logFrom(ctx)); err != nil {
		return nil, nil, err
	}
	kc, ok := cfg.KubeClient.(*kube.Client)
	if !ok {
		return nil, nil, fmt.Errorf("unexpected Helm kube client %T", cfg.KubeClient)
	}
	kc.Factory = validatingFactory{Factory: kc.Factory, shared: &c.validators}
	prog := &progress{}
	cfg.KubeClient = &waitingKube{Client: kc, waiter: &Waiter{Client: c.clientset, Logf: logFrom(ctx)}, ctx: ctx, deadline: deadline, progress: prog}
	cfg.Releases.Driver = &recordingDriver{Driver: cfg.Releases.Driver, progress: prog}
	return cfg, prog, nil
}

// waitingKube is Helm's kube client with Wait and WatchUntilReady replaced by
// Waiter, so Helm keeps its release bookkeeping (pending while waiting, failed
// or deployed after) while waiting is done by watching the objects and
// explained when it fails.
type waitingKube struct {
	*kube.Client
	waiter   *Waiter
	ctx      context.Context
	deadline time.Time
	progress *progress
	// applied is set once the release's own objects were created or
	// updated: hooks after that are post- hooks.
	applied bool
}

// budget is what is left of the apply's time, never more than Helm asks for.
func (k *waitingKube) budget(timeout time.Duration) time.Duration {
	if left := time.Until(k.deadline); left < timeout {
		return max(left, time.Second)
	}
	return timeout
}

func (k *waitingKube) IsReachable() error {
	k.progress.set("checking that the cluster answers")
	return k.progress.check(k.Client.IsReachable())
}

func (k *waitingKube) Create(resources kube.ResourceList) (*kube.Result, error) {
	if hook := hookName(resources); hook != "" {
		k.progress.set("creating the hook %s", hook)
	} else {
		k.progress.set("creating the release's %d objects", len(resources))
		k.applied = true
	}
	res, err := k.Client.Create(resources)
	return res, k.progress.check(err)
}

func (k *waitingKube) Update(original, target kube.ResourceList, force bool) (*kube.Result, error) {
	k.progress.set("applying the release's %d objects", len(target))
	k.applied = true
	res, err := k.Client.Update(original, target, force)
	return res, k.progress.check(err)
}

func (k *waitingKube) Delete(resources kube.ResourceList) (*kube.Result, []error) {
	k.progress.set("deleting %d objects", len(resources))
	return k.Client.Delete(resources)
}

func (k *waitingKube) Wait(resources kube.ResourceList, timeout time.Duration) error {
	k.progress.set("waiting for the Deployments, StatefulSets and DaemonSets to become ready")
	if err := k.waiter.Wait(k.ctx, workloadsIn(resources), k.budget(timeout)); err != nil {
		return k.progress.waitFailed(err)
	}
	return nil
}

func (k *waitingKube) WaitWithJobs(resources kube.ResourceList, timeout time.Duration) error {
	return k.Wait(resources, timeout)
}

// WatchUntilReady waits for hook Jobs and Pods to complete, as Helm does, but
// by watching them, and explains a timeout: the hook, the pods holding it up
// and why, and the latest events.
func (k *waitingKube) WatchUntilReady(resources kube.ResourceList, timeout time.Duration) error {
	for _, info := range resources {
		if info.Mapping == nil {
			continue
		}
		kind := info.Mapping.GroupVersionKind.Kind
		if kind != "Job" && kind != "Pod" {
			continue
		}
		ref := HookRef{Event: k.event(hookOf(info.Object)), Kind: kind, Namespace: info.Namespace, Name: info.Name}
		k.progress.set("waiting for the %s to complete", ref)
		if err := k.waiter.WaitHook(k.ctx, ref, k.budget(timeout)); err != nil {
			return k.progress.waitFailed(err)
		}
	}
	return nil
}

// event picks, from a hook's events (pre-install,pre-upgrade), the one being
// run: its operation is the current one (Helm records it as pending-install,
// pending-upgrade...), pre- or post- whether the objects were applied yet.
func (k *waitingKube) event(events string) string {
	when := "pre-"
	if k.applied {
		when = "post-"
	}
	op := k.progress.operation()
	for _, e := range strings.Split(events, ",") {
		if strings.HasPrefix(e, when) && (op == "" || strings.HasSuffix(e, op)) {
			return e
		}
	}
	return firstEvent(events)
}

// hookName names the hook a resource list belongs to, or "" for the
// release's own objects.
func hookName(resources kube.ResourceList) string {
	for _, info := range resources {
		if h := hookOf(info.Object); h != "" && info.Mapping != nil {
			return fmt.Sprintf("%s %s (%s)", info.Mapping.GroupVersionKind.Kind, info.Name, h)
		}
	}
	return ""
}

// hookOf returns an object's helm.sh/hook annotation.
func hookOf(obj any) string {
	m, ok := obj.(metav1.Object)
	if !ok {
		return ""
	}
	return m.GetAnnotations()["helm.sh/hook"]
}

// recordingDriver is Helm's release storage, recording each write as a step.
type recordingDriver struct {
	driver.Driver
	progress *progress
}

func (p *progress) operation() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.op
}

func (p *progress) recorded(status helmrelease.Status) {
	if op, ok := strings.CutPrefix(string(status), "pending-"); ok {
		p.mu.Lock()
		p.op = op
		p.mu.Unlock()
	}
}

func (d *recordingDriver) Create(key string, rls *helmrelease.Release) error {
	d.progress.recorded(rls.Info.Status)
	d.progress.set("recording revision %d of the release (%s)", rls.Version, rls.Info.Status)
	return d.progress.check(d.Driver.Create(key, rls))
}

func (d *recordingDriver) Update(key string, rls *helmrelease.Release) error {
	d.progress.recorded(rls.Info.Status)
	d.progress.set("recording revision %d of the release as %s", rls.Version, rls.Info.Status)
	return d.progress.check(d.Driver.Update(key, rls))
}

// isUnreachable recognises errors of a cluster that stopped answering:
// refused or reset connections, timeouts at the network level, lost HTTP/2
// connections. Helm sometimes keeps only the message, so text is checked too.
func isUnreachable(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "connection reset", "no such host", "i/o timeout",
		"http2: client connection lost", "unexpected EOF", "Kubernetes cluster unreachable", "TLS handshake timeout"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// reachable asks the API server for its version, briefly.
func (c *Client) reachable(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err := c.clientset.Discovery().RESTClient().Get().AbsPath("/version").DoRaw(ctx)
	return err == nil
}
