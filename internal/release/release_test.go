package release

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	helmregistry "helm.sh/helm/v3/pkg/registry"
	helmrelease "helm.sh/helm/v3/pkg/release"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

func TestMain(m *testing.M) { os.Exit(testbed.RunMain(m)) }

func testChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := charttest.Load("4.4.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func newClient(t testing.TB) (*Client, kubernetes.Interface, *testbed.ControlPlane) {
	t.Helper()
	cp := testbed.Get(t)
	cs, err := cp.Client()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cp.RESTConfig(), cs)
	if err != nil {
		t.Fatal(err)
	}
	return c, cs, cp
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return WithLog(ctx, t.Logf)
}

var keepDB = map[string]any{"hub": map[string]any{"db": map[string]any{"pvc": map[string]any{
	"annotations": map[string]any{"helm.sh/resource-policy": "keep"}}}}}

func TestApplyLifecycle(t *testing.T) {
	c, cs, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	ch := testChart(t)

	res, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: keepDB, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Info.Revision != 1 || !res.Info.Deployed() || res.Recovered != "" {
		t.Fatalf("install: %+v", res)
	}
	secret, err := cs.CoreV1().Secrets(ns).Get(ctx, "hub", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	token := string(secret.Data["hub.config.ConfigurableHTTPProxy.auth_token"])
	if len(token) != 64 {
		t.Fatalf("generated proxy token has length %d", len(token))
	}

	values := map[string]any{"singleuser": map[string]any{"image": map[string]any{"name": "quay.io/jupyter/base-notebook", "tag": "2025-01-06"}}}
	for k, v := range keepDB {
		values[k] = v
	}
	res, err = c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: values, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if res.Info.Revision != 2 {
		t.Fatalf("upgrade gave revision %d", res.Info.Revision)
	}
	latest, err := c.Latest(ctx, ns, "hub")
	if err != nil {
		t.Fatal(err)
	}
	if latest.Revision != 2 || !latest.Deployed() || latest.ChartVersion != "4.4.0" || latest.AppVersion != "5.4.3" {
		t.Fatalf("latest %+v", latest)
	}
	if name, _ := latest.Config["singleuser"].(map[string]any)["image"].(map[string]any)["name"].(string); name != "quay.io/jupyter/base-notebook" {
		t.Errorf("latest config %v", latest.Config)
	}
	secret, err = cs.CoreV1().Secrets(ns).Get(ctx, "hub", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(secret.Data["hub.config.ConfigurableHTTPProxy.auth_token"]); got != token {
		t.Error("the generated proxy token changed on upgrade")
	}

	if err := c.Uninstall(ctx, ns, "hub", time.Minute); err != nil {
		t.Fatal(err)
	}
	if latest, err := c.Latest(ctx, ns, "hub"); err != nil || latest != nil {
		t.Fatalf("after uninstall: %+v %v", latest, err)
	}
	if _, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, "hub-db-dir", metav1.GetOptions{}); err != nil {
		t.Errorf("the hub database claim was not kept: %v", err)
	}
	// Installing again adopts the kept claim.
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: keepDB, Timeout: time.Minute}); err != nil {
		t.Fatalf("re-install with the kept claim: %v", err)
	}
}

// TestApplyExplainsWhatIsNotReady: a hub that cannot be scheduled fails with
// the Deployment, the pod's condition and the scheduler's event, and the
// failed install is removed.
func TestApplyExplainsWhatIsNotReady(t *testing.T) {
	c, _, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	values := map[string]any{"hub": map[string]any{"nodeSelector": map[string]any{"pool": "does-not-exist"}}}
	_, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: testChart(t), Values: values, Timeout: 4 * time.Second})
	if err == nil {
		t.Fatal("install of an unschedulable hub succeeded")
	}
	msg := err.Error()
	t.Logf("the error a person sees:\n%s", msg)
	for _, want := range []string{"Deployment " + ns + "/hub: 0 of 1 replicas available", "pod hub-", "Pending", "didn't match Pod's node affinity/selector", "FailedScheduling"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Deployment "+ns+"/proxy") {
		t.Errorf("the proxy was ready, but the error lists it:\n%s", msg)
	}
	if latest, err := c.Latest(ctx, ns, "hub"); err != nil || latest != nil {
		t.Errorf("failed atomic install left a release: %+v %v", latest, err)
	}
}

// TestFailedUpgradeRollsBack: the release goes back to the last good revision.
func TestFailedUpgradeRollsBack(t *testing.T) {
	c, _, cp := newClient(t)
	ns := cp.Namespace(t)
	ctx := ctxFor(t)
	ch := testChart(t)
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute}); err != nil {
		t.Fatal(err)
	}
	bad := map[string]any{"hub": map[string]any{"nodeSelector": map[string]any{"pool": "does-not-exist"}}}
	if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Values: bad, Timeout: 4 * time.Second}); err == nil {
		t.Fatal("upgrade to an unschedulable hub succeeded")
	}
	latest, err := c.Latest(ctx, ns, "hub")
	if err != nil {
		t.Fatal(err)
	}
	if !latest.Deployed() || latest.Revision != 3 || len(latest.Config) != 0 {
		t.Errorf("after the failed upgrade, latest is %+v; want revision 3 (the rollback) deployed with the first values", latest)
	}
}

// markLatest sets the latest revision's status, as an interrupted helm
// process leaves it.
func markLatest(t *testing.T, c *Client, ctx context.Context, ns string, status helmrelease.Status) {
	t.Helper()
	cfg, _, err := c.actionConfig(ctx, ns, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	last, err := cfg.Releases.Last("hub")
	if err != nil {
		t.Fatal(err)
	}
	last.Info.Status = status
	if err := cfg.Releases.Update(last); err != nil {
		t.Fatal(err)
	}
}

func TestRecoverPending(t *testing.T) {
	for _, tc := range []struct {
		status       helmrelease.Status
		revisions    int // installed before the interruption
		wantRevision int
		wantSaid     string
	}{
		{helmrelease.StatusPendingUpgrade, 2, 4, "rolled back to revision 1"},
		{helmrelease.StatusPendingRollback, 2, 4, "rolled back to revision 1"},
		{helmrelease.StatusPendingInstall, 1, 1, "removed and installed again"},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			c, _, cp := newClient(t)
			ns := cp.Namespace(t)
			ctx := ctxFor(t)
			ch := testChart(t)
			for i := 0; i < tc.revisions; i++ {
				if _, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute}); err != nil {
					t.Fatal(err)
				}
			}
			markLatest(t, c, ctx, ns, tc.status)
			// Helm itself refuses to go on.
			cfg, _, _ := c.actionConfig(ctx, ns, time.Now().Add(time.Minute))
			if _, err := action.NewUpgrade(cfg).Run("hub", ch, nil); err == nil || !strings.Contains(err.Error(), "another operation") {
				t.Fatalf("plain helm upgrade on a %s release: %v", tc.status, err)
			}
			res, err := c.Apply(ctx, ApplyRequest{Namespace: ns, Name: "hub", Chart: ch, Timeout: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Recovered, tc.wantSaid) || !strings.Contains(res.Recovered, string(tc.status)) {
				t.Errorf("recovery message %q", res.Recovered)
			}
			if res.Info.Revision != tc.wantRevision || !res.Info.Deployed() {
				t.Errorf("after recovery: %+v", res.Info)
			}
		})
	}
}

func TestChartCacheDownloadsOnce(t *testing.T) {
	repo, err := charttest.NewRepo()
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	if err := repo.Add(testChart(t)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := ChartSource{Repository: repo.URL, Name: "jupyterhub", Version: "4.4.0"}
	ctx := context.Background()
	c1 := &ChartCache{Dir: dir}
	for i := 0; i < 3; i++ {
		ch, err := c1.Load(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Metadata.Version != "4.4.0" {
			t.Fatalf("version %s", ch.Metadata.Version)
		}
	}
	// A new process (new cache object) finds it on disk.
	c2 := &ChartCache{Dir: dir}
	if _, err := c2.Load(ctx, src); err != nil {
		t.Fatal(err)
	}
	if repo.ArchiveDownloads() != 1 || c1.Downloads() != 1 || c2.Downloads() != 0 {
		t.Errorf("archives served %d, downloads %d + %d; want 1 download in all", repo.ArchiveDownloads(), c1.Downloads(), c2.Downloads())
	}
	_, err = c1.Load(ctx, ChartSource{Repository: repo.URL, Name: "jupyterhub", Version: "9.9.9"})
	if err == nil || !strings.Contains(err.Error(), "has no jupyterhub version 9.9.9") || !strings.Contains(err.Error(), "4.4.0") {
		t.Errorf("missing version: %v", err)
	}
}

func TestChartFromOCIRegistry(t *testing.T) {
	reg := httptest.NewServer(registry.New())
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	data, err := charttest.Archive(testChart(t))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := helmregistry.NewClient(helmregistry.ClientOptPlainHTTP())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Push(data, host+"/charts/jupyterhub:4.4.0"); err != nil {
		t.Fatal(err)
	}
	cache := &ChartCache{Dir: t.TempDir()}
	ch, err := cache.Load(context.Background(), ChartSource{Repository: "oci://" + host + "/charts", Name: "jupyterhub", Version: "4.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Metadata.Name != "jupyterhub" || cache.Downloads() != 1 {
		t.Errorf("chart %s, downloads %d", ch.Metadata.Name, cache.Downloads())
	}
	_, err = cache.Load(context.Background(), ChartSource{Repository: "oci://" + host + "/charts", Name: "jupyterhub", Version: "1.0.0"})
	if err == nil {
		t.Error("a missing OCI chart loaded")
	}
}
