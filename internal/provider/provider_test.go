package provider

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/release"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

// testIssuer is an OpenID Connect issuer on loopback (discovery only), trusted
// through SSL_CERT_FILE like any public issuer would be through system roots.
var testIssuer string

// realChartRepo is where tests install the real zero-to-jupyterhub chart from:
// ../shared/z2jh/repo served on loopback, else its public repository; empty,
// with realChartMissing saying why, when neither can be had.
var realChartRepo, realChartMissing string

// One local control plane serves every test in this binary (see testbed.RunMain),
// with a chart cache of its own so the developer's cache is neither used nor filled.
func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	cacheDir, err := os.MkdirTemp("", "twoi2chub-cache-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(cacheDir)
	os.Setenv("TWOI2CHUB_CACHE_DIR", cacheDir)

	issuer := startTestIssuer(cacheDir)
	defer issuer.Close()

	if dir, ok := z2jhtest.RepoDir(); ok {
		real, err := charttest.ServeDir(dir)
		if err != nil {
			panic(err)
		}
		defer real.Close()
		realChartRepo = real.URL
	} else if _, err := z2jhtest.ChartArchive(); err == nil {
		realChartRepo = z2jhtest.PublicRepository
	} else {
		realChartMissing = fmt.Sprintf("the real zero-to-jupyterhub %s chart is not available: no ../shared/z2jh/repo beside the repository and %s cannot be reached (%v)",
			z2jhtest.Version, z2jhtest.PublicRepository, err)
	}
	// Imported hubs name the upstream repository, which this machine may not
	// reach: seed the cache with the real chart as if it had been downloaded.
	if archive, err := z2jhtest.ChartArchive(); err == nil {
		cache := &release.ChartCache{Dir: release.DefaultCacheDir()}
		if err := cache.Preload(release.ChartSource{Repository: DefaultChartRepository, Name: hubChartName, Version: DefaultChartVersion}, archive); err != nil {
			panic(err)
		}
	}
	return testbed.RunMain(m)
}

// requireRealChart returns the repository of the real chart, or skips.
func requireRealChart(t *testing.T) string {
	t.Helper()
	if realChartRepo == "" {
		t.Skip(realChartMissing)
	}
	return realChartRepo
}

// hubName is a release name unique to a test's namespace: the chart names
// cluster-wide objects after the release, so hubs of different tests (and a
// failed test's leftovers) must not share one.
func hubName(ns string) string { return "hub-" + ns[len(ns)-6:] }

// requireSchema skips tests that need the real chart's values schema.
func requireSchema(t *testing.T) {
	t.Helper()
	if _, ok := z2jhtest.Dir(); !ok {
		t.Skip("needs ../shared/z2jh/4.4.0/values.schema.json beside the repository")
	}
}

// protoV6ProviderFactories runs the provider in the test process, so tests
// work the same with Terraform and with OpenTofu (TF_ACC_TERRAFORM_PATH).
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"twoi2chub": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccPreCheck skips unless TF_ACC is set and gives the test the control plane.
func testAccPreCheck(t *testing.T) *testbed.ControlPlane {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 (make testacc)", resource.EnvTfAcc)
	}
	// Connection settings come from each test's HCL; stray KUBE_* variables
	// from the developer's shell must not leak in.
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "KUBE_") {
			t.Setenv(strings.SplitN(kv, "=", 2)[0], "")
			os.Unsetenv(strings.SplitN(kv, "=", 2)[0])
		}
	}
	return testbed.Get(t)
}

// providerKubeconfig is a provider block connecting through the test bed's kubeconfig.
func providerKubeconfig(cp *testbed.ControlPlane) string {
	return fmt.Sprintf(`
provider "twoi2chub" {
  kubernetes = {
    config_path = %q
  }
}
`, cp.KubeconfigPath)
}

// hclString quotes s as an HCL heredoc-free string literal (PEM has newlines).
func hclString(s string) string {
	return fmt.Sprintf("%q", s)
}

func startTestIssuer(dir string) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := srv.URL + "/realms/lab"
		if r.URL.Path != "/realms/lab/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":                 base,
			"authorization_endpoint": base + "/protocol/openid-connect/auth",
			"token_endpoint":         base + "/protocol/openid-connect/token",
			"userinfo_endpoint":      base + "/protocol/openid-connect/userinfo",
		})
	}))
	certFile := filepath.Join(dir, "issuer.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(certFile, pemData, 0o644); err != nil {
		panic(err)
	}
	os.Setenv("SSL_CERT_FILE", certFile)
	testIssuer = srv.URL + "/realms/lab"
	return srv
}
