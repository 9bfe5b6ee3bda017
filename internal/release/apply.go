package release

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// ApplyRequest asks for a release to match Chart and Values.
type ApplyRequest struct {
	Namespace string
	Name      string
	Chart     *chart.Chart
	Values    map[string]any
	Timeout   time.Duration
}

// Result of Apply.
type Result struct {
	Info *Info
	// Recovered describes a release left behind by an interrupted operation
	// and what was done about it; empty when nothing was needed.
	Recovered string
}

// maxHistory bounds the revisions Helm keeps per release (each holds the chart).
const maxHistory = 5

// undoTimeout bounds a rollback or removal after a failed apply, which gets
// its own time: the apply's own may be spent by then.
const undoTimeout = 5 * time.Minute

// ApplyError is a failed Apply. It says what actually happened: the step
// under way, whether the cluster stopped answering, and what was done about
// the failure (a rollback only when one was done).
type ApplyError struct {
	Release string // namespace/name
	Install bool   // a first install, not an upgrade
	// Step is what was under way, e.g. "waiting for the pre-install hook Job hook-image-awaiter".
	Step string
	// Err is the cause; for a wait that timed out, a *NotReadyError with reasons.
	Err error
	// Unreachable: the cluster stopped answering, so nothing could be undone.
	Unreachable bool
	// Undo says what was done after the failure ("rolled back to revision 2",
	// "removed the failed install"); empty when nothing was.
	Undo    string
	UndoErr error
}

func (e *ApplyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed while %s: %v", e.Release, e.Step, e.Err)
	if e.Undo != "" {
		fmt.Fprintf(&b, "; %s", e.Undo)
	}
	if e.UndoErr != nil {
		fmt.Fprintf(&b, "; undoing it failed too: %v", e.UndoErr)
	}
	return b.String()
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Apply installs the release or upgrades it, first recovering a release that
// an interrupted apply left pending. It waits for the release's hooks and
// Deployments. A failed install is removed and a failed upgrade rolled back,
// as Helm's atomic mode would, but only when the cluster still answers; the
// error is an *ApplyError saying which of these happened.
func (c *Client) Apply(ctx context.Context, req ApplyRequest) (*Result, error) {
	// Whatever happens, the release's cluster-scoped objects may have changed.
	defer c.listings.forgetOwners()
	res := &Result{}
	id := req.Namespace + "/" + req.Name
	deadline := time.Now().Add(req.Timeout)
	cfg, prog, err := c.actionConfig(ctx, req.Namespace, deadline)
	if err != nil {
		return nil, err
	}
	logf := logFrom(ctx)
	fail := func(install bool, err error) (*Result, error) {
		return res, c.failure(ctx, id, install, prog, err)
	}
	prog.set("reading the release's history")
	last, err := cfg.Releases.Last(req.Name)
	if err != nil && !errors.Is(err, driver.ErrReleaseNotFound) {
		return fail(false, err)
	}
	if last != nil && last.Info.Status.IsPending() {
		prog.set("recovering revision %d, left %s", last.Version, last.Info.Status)
		if res.Recovered, err = c.recover(ctx, cfg, last, req.Timeout); err != nil {
			return fail(false, err)
		}
		if last, err = cfg.Releases.Last(req.Name); err != nil && !errors.Is(err, driver.ErrReleaseNotFound) {
			return fail(false, err)
		}
	}
	deployedBefore := last != nil && hasDeployedRevision(cfg, req.Name)

	var rel *helmrelease.Release
	if !deployedBefore {
		install := action.NewInstall(cfg)
		install.ReleaseName, install.Namespace = req.Name, req.Namespace
		install.Wait, install.Timeout = true, req.Timeout
		// Reuse the name of a release uninstalled with --keep-history, or of
		// a first install that failed and was not removed.
		install.Replace = last != nil
		logf("installing release %s (chart %s %s)", id, req.Chart.Metadata.Name, req.Chart.Metadata.Version)
		rel, err = install.RunWithContext(ctx, req.Chart, req.Values)
	} else {
		upgrade := action.NewUpgrade(cfg)
		upgrade.Namespace = req.Namespace
		upgrade.Wait, upgrade.Timeout = true, req.Timeout
		upgrade.MaxHistory = maxHistory
		upgrade.CleanupOnFail = true
		logf("upgrading release %s from revision %d (chart %s %s)", id, last.Version, req.Chart.Metadata.Name, req.Chart.Metadata.Version)
		rel, err = upgrade.RunWithContext(ctx, req.Name, req.Chart, req.Values)
	}
	if err != nil {
		return fail(!deployedBefore, err)
	}
	res.Info = infoFrom(rel)
	return res, nil
}

// hasDeployedRevision reports whether the release ever reached deployed (a
// revision is deployed or superseded), which decides upgrade over install.
func hasDeployedRevision(cfg *action.Configuration, name string) bool {
	history, err := cfg.Releases.History(name)
	if err != nil {
		return false
	}
	for _, r := range history {
		if r.Info.Status == helmrelease.StatusDeployed || r.Info.Status == helmrelease.StatusSuperseded {
			return true
		}
	}
	return false
}

// failure turns a failed install or upgrade into an *ApplyError, undoing it
// when the cluster still answers.
func (c *Client) failure(ctx context.Context, id string, install bool, prog *progress, err error) error {
	step, cause := prog.failure(err)
	e := &ApplyError{Release: id, Install: install, Step: step, Err: cause}
	if isUnreachable(err) || !c.reachable(ctx) {
		e.Unreachable = true
		return e
	}
	if notStarted(err) {
		return e // Helm refused before touching anything: nothing to undo
	}
	ns, name, _ := strings.Cut(id, "/")
	cfg, _, cerr := c.actionConfig(ctx, ns, time.Now().Add(undoTimeout))
	if cerr != nil {
		e.UndoErr = cerr
		return e
	}
	last, lerr := cfg.Releases.Last(name)
	if lerr != nil {
		if errors.Is(lerr, driver.ErrReleaseNotFound) {
			return e
		}
		e.UndoErr = lerr
		return e
	}
	e.Undo, e.UndoErr = c.undo(ctx, cfg, last, undoTimeout)
	if e.UndoErr != nil && isUnreachable(e.UndoErr) {
		e.Unreachable = true
	}
	return e
}

// notStarted recognises Helm refusing an operation before it changed anything.
func notStarted(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "cannot be imported into the current release") ||
		strings.Contains(msg, "unable to build kubernetes objects") ||
		strings.Contains(msg, "cannot re-use a name")
}

// undo ends a failed or pending revision the way a person would with `helm
// rollback` or `helm uninstall`, and says what it did. A release whose last
// revision is deployed needs nothing.
func (c *Client) undo(ctx context.Context, cfg *action.Configuration, last *helmrelease.Release, timeout time.Duration) (string, error) {
	if last.Info.Status == helmrelease.StatusDeployed || last.Info.Status == helmrelease.StatusUninstalled {
		return "", nil
	}
	logf := logFrom(ctx)
	history, err := cfg.Releases.History(last.Name)
	if err != nil {
		return "", err
	}
	sort.Slice(history, func(i, j int) bool { return history[i].Version > history[j].Version })
	for _, r := range history {
		if r.Version < last.Version && (r.Info.Status == helmrelease.StatusDeployed || r.Info.Status == helmrelease.StatusSuperseded) {
			rb := action.NewRollback(cfg)
			rb.Version, rb.Wait, rb.Timeout, rb.MaxHistory = r.Version, true, timeout, maxHistory
			logf("release %s/%s revision %d is %s: rolling back to revision %d", last.Namespace, last.Name, last.Version, last.Info.Status, r.Version)
			if err := rb.Run(last.Name); err != nil {
				return "", fmt.Errorf("rolling back to revision %d: %w", r.Version, err)
			}
			return fmt.Sprintf("it was rolled back to revision %d", r.Version), nil
		}
	}
	un := action.NewUninstall(cfg)
	un.Wait, un.Timeout = true, timeout
	logf("release %s/%s revision %d is %s with no earlier revision: removing it", last.Namespace, last.Name, last.Version, last.Info.Status)
	if _, err := un.Run(last.Name); err != nil {
		return "", fmt.Errorf("removing the failed install: %w", err)
	}
	return "the failed install was removed (volumes marked to keep, such as the hub database, were kept)", nil
}

// recover ends a pending operation left by an interrupted apply, and says
// what it did.
func (c *Client) recover(ctx context.Context, cfg *action.Configuration, last *helmrelease.Release, timeout time.Duration) (string, error) {
	did, err := c.undo(ctx, cfg, last, timeout)
	if err != nil {
		return "", fmt.Errorf("release %s/%s was left %s by an interrupted operation and %w", last.Namespace, last.Name, last.Info.Status, err)
	}
	if strings.HasPrefix(did, "it was rolled back") {
		return fmt.Sprintf("Release %s/%s revision %d was left %s by an interrupted apply; %s, then the planned change was applied.",
			last.Namespace, last.Name, last.Version, last.Info.Status, did), nil
	}
	return fmt.Sprintf("Release %s/%s was left %s by an interrupted install; it was removed and installed again (volumes marked to keep, such as the hub database, were kept).",
		last.Namespace, last.Name, last.Info.Status), nil
}
