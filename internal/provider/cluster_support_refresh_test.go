package provider

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	helmrelease "helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	helmtime "helm.sh/helm/v3/pkg/time"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/supportvalues"
)

// requestTally counts a client's requests, and apart those for Secrets,
// where Helm keeps its release records.
type requestTally struct {
	mu           sync.Mutex
	all, secrets int
	next         http.RoundTripper
}

func (t *requestTally) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.all++
	if strings.Contains(r.URL.Path, "/secrets") {
		t.secrets++
	}
	t.mu.Unlock()
	return t.next.RoundTrip(r)
}

// supportHistory writes, with Helm's own storage, three revisions of each
// component's release from its real chart into e's namespace: two
// superseded, the last deployed, as after two upgrades.
func (e *supportEnv) supportHistory(t *testing.T) {
	t.Helper()
	store := storage.Init(driver.NewSecrets(e.client.CoreV1().Secrets(e.ns)))
	cache := &release.ChartCache{Dir: release.DefaultCacheDir()}
	now := helmtime.Now()
	for _, c := range supportvalues.Components {
		ch, err := cache.Load(e.ctx, release.ChartSource{Repository: e.repo.URL, Name: c.Name, Version: c.DefaultVersion})
		if err != nil {
			t.Fatal(err)
		}
		for rev := 1; rev <= 3; rev++ {
			status := helmrelease.StatusSuperseded
			if rev == 3 {
				status = helmrelease.StatusDeployed
			}
			if err := store.Create(&helmrelease.Release{
				Name: c.Name, Namespace: e.ns, Version: rev, Chart: ch, Config: map[string]any{"revision": rev},
				Info: &helmrelease.Info{Status: status, FirstDeployed: now, LastDeployed: now, Description: "bench of the refresh"},
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestAccClusterSupportRefreshReadsAreConstant refreshes, as a no-op plan
// does, a twoi2chub_cluster_support of one, three and five components whose
// releases each have three revisions, and counts the requests: one listing
// of the release records whatever the number of components, plus one read
// for cert-manager's CRDs and one for the ingress controller's Service when
// those are configured. A refresh reading each release by itself fails it.
func TestAccClusterSupportRefreshReadsAreConstant(t *testing.T) {
	e := newSupportEnv(t)
	e.supportHistory(t)
	configured := types.ObjectValueMust(map[string]attr.Type{}, map[string]attr.Value{})
	for _, c := range []struct {
		name       string
		components []string
		want       int // requests in all
	}{
		{"one component", []string{supportvalues.PrometheusName}, 1},
		{"three components reading no object of their own", []string{supportvalues.PrometheusName, supportvalues.GrafanaName, supportvalues.ClusterAutoscalerName}, 1},
		{"every component", []string{supportvalues.IngressNginxName, supportvalues.CertManagerName, supportvalues.PrometheusName, supportvalues.GrafanaName, supportvalues.ClusterAutoscalerName}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			tally := &requestTally{}
			cfg := rest.CopyConfig(e.cp.RESTConfig())
			cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { tally.next = rt; return tally }
			cs, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			client, err := release.New(cfg, cs)
			if err != nil {
				t.Fatal(err)
			}
			// State as the last apply left it: revision 1 of each release.
			m := clusterSupportModel{Namespace: types.StringValue(e.ns), CRDsVersion: types.StringNull(), IngressAddress: types.StringNull()}
			known := map[string]supportRelease{}
			objects := map[string]*types.Object{
				supportvalues.IngressNginxName: &m.IngressNginx, supportvalues.CertManagerName: &m.CertManager, supportvalues.PrometheusName: &m.Prometheus,
				supportvalues.GrafanaName: &m.Grafana, supportvalues.ClusterAutoscalerName: &m.ClusterAutoscaler,
			}
			for _, o := range objects {
				*o = types.ObjectNull(map[string]attr.Type{})
			}
			for _, name := range c.components {
				one := int64(1)
				known[name] = supportRelease{Revision: &one, Status: statusDeployed}
				*objects[name] = configured
			}
			m.Releases = releasesValue(known)

			ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
			defer cancel()
			if err := refreshSupport(ctx, client, &m); err != nil {
				t.Fatal(err)
			}
			read := m.releasesOf()
			if len(read) != len(c.components) {
				t.Fatalf("the refresh read %d releases, want %d: %v", len(read), len(c.components), read)
			}
			for _, name := range c.components {
				if r := read[name]; r.Revision == nil || *r.Revision != 3 || r.Status != statusDeployed {
					t.Errorf("%s read as %+v, want its deployed revision 3", name, r)
				}
			}
			if tally.secrets != 1 {
				t.Errorf("the refresh of %d components made %d requests for release records, want 1 whatever their number", len(c.components), tally.secrets)
			}
			if tally.all != c.want {
				t.Errorf("the refresh of %v made %d requests, want %d", c.components, tally.all, c.want)
			}
			t.Logf("refresh of %d components: %d requests, %d for release records", len(c.components), tally.all, tally.secrets)
		})
	}
}
