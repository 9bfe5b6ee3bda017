package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// plainHashRevision is the last provider revision that stored a salted plain
// SHA-256 of the client secret as client_secret_checksum.
const plainHashRevision = "0a0234c8509fd0d4ddaa57353050b7c8516ec590"

// buildProviderAt compiles the provider as it was at a git revision into dir.
func buildProviderAt(t *testing.T, rev, dir string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("git", "-C", root, "cat-file", "-e", rev+"^{commit}").Run(); err != nil {
		t.Skipf("needs the git history with revision %s (a full clone)", rev)
	}
	src := t.TempDir()
	archive := exec.Command("bash", "-c", fmt.Sprintf("git -C %q archive %s | tar -x -C %q", root, rev, src))
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("extracting revision %s: %v\n%s", rev, err, out)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-twoi2chub"), ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider at %s: %v\n%s", rev, err, out)
	}
}

// installProvider copies the provider binary built in from into to.
func installProvider(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(from, "terraform-provider-twoi2chub"))
	if err == nil {
		err = os.WriteFile(filepath.Join(to, "terraform-provider-twoi2chub"), data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// stateValue reads one attribute of a resource from the workdir's state.
func (w *cliWorkdir) stateValue(ctx context.Context, addr, name string) string {
	w.t.Helper()
	cmd, out := w.command(ctx, "show", "-json")
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("show: %v\n%s", err, out)
	}
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		w.t.Fatalf("show -json: %v\n%s", err, out)
	}
	for _, r := range st.Values.RootModule.Resources {
		if r.Address == addr {
			return fmt.Sprint(r.Values[name])
		}
	}
	w.t.Fatalf("no %s in state:\n%s", addr, out)
	return ""
}

// TestAccAuthFingerprintMigratesFromPlainHash: an auth and hub applied by the
// provider version that stored a plain (salted) SHA-256 of the client secret
// migrate with one apply: the plan says so in a warning and updates the auth
// and the hub (which restarts once), state then holds the keyed fingerprint,
// and the next plan is empty.
func TestAccAuthFingerprintMigratesFromPlainHash(t *testing.T) {
	cp := testAccPreCheck(t)
	m := newProviderMigration(t, cp.KubeconfigPath, plainHashRevision)
	e := newHubEnv(t)
	setSecret(t, e, "hub-oauth", "migrating-secret-value")
	m.w.writeConfig(fmt.Sprintf(`
resource "twoi2chub_auth" "test" {
  name              = "github"
  namespace         = %q
  github            = { client_id = "Iv1.0123", allowed_organizations = ["2i2c-org"] }
  client_secret_ref = { name = "hub-oauth", key = "client-secret" }
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  auth             = twoi2chub_auth.test.hub_config
}
`, e.ns, e.name, e.ns, e.repo))
	m.applyOld(t, e)
	m.migrate(t, e, fingerprintMigration{
		legacy:   plainHashes(e.ns, "github", "migrating-secret-value"),
		checksum: func() string { return m.w.stateValue(e.ctx, authAddr, "client_secret_checksum") },
		keyed:    func() string { return authFingerprint(t, e, "github", "migrating-secret-value") },
		plan: []string{"The client secret's fingerprint will be replaced", "twoi2chub_auth.test will be updated in-place",
			"twoi2chub_hub.test will be updated in-place", "2 to change"},
		annotation: "twoi2chub.2i2c.org/auth-secret-checksum",
	})
}

// providerMigration is a CLI workdir that applies with the provider as it
// was at an older revision, then with this checkout's.
type providerMigration struct {
	w                     *cliWorkdir
	rev, plugins, current string
	revision              int // the hub's release revision after the old provider's apply
}

// newProviderMigration builds both providers and installs the old one. Call
// it before making the hub: on a busy machine the builds alone can take most
// of the hub's ten minutes.
func newProviderMigration(t *testing.T, kubeconfig, rev string) *providerMigration {
	t.Helper()
	old, current := t.TempDir(), t.TempDir()
	buildProviderAt(t, rev, old)
	w := newCLIWorkdir(t, kubeconfig) // builds this checkout's provider
	m := &providerMigration{w: w, rev: rev, plugins: filepath.Join(w.dir, "plugins"), current: current}
	installProvider(t, m.plugins, current)
	installProvider(t, old, m.plugins)
	return m
}

// applyOld applies the configuration with the old provider.
func (m *providerMigration) applyOld(t *testing.T, e *hubEnv) {
	t.Helper()
	if out, err := m.w.apply(e.ctx); err != nil {
		t.Fatalf("apply with the provider at %s: %v\n%s", m.rev, err, out)
	}
	m.revision = e.latest(t).Revision
}

// fingerprintMigration is what a fingerprint's migration must show.
type fingerprintMigration struct {
	legacy     []string      // the old provider's hashes; legacy[1] is the one it stored
	checksum   func() string // the fingerprint in state
	keyed      func() string // the keyed fingerprint, read after the migrating apply makes the key
	plan       []string      // what the migrating plan says
	annotation string        // the hub pod's annotation carrying the fingerprint
}

// migrate checks that the old provider stored the salted SHA-256, then
// installs this checkout's provider and applies: its plan says f.plan, state
// then holds the keyed fingerprint (also on the hub pod), the hub was
// upgraded exactly once, no old hash is left in state and the next plan is empty.
func (m *providerMigration) migrate(t *testing.T, e *hubEnv, f fingerprintMigration) {
	t.Helper()
	if got := f.checksum(); got != f.legacy[1] {
		t.Fatalf("the old provider stored %s, not the salted SHA-256 this test migrates from (%s)", got, f.legacy[1])
	}
	installProvider(t, m.current, m.plugins)
	cmd, plan := m.w.command(e.ctx, "plan", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Fatalf("plan after upgrading the provider: %v\n%s", err, plan)
	}
	text := strings.Join(strings.Fields(plan.String()), " ")
	for _, want := range f.plan {
		if !strings.Contains(text, want) {
			t.Errorf("the migration plan does not say %q:\n%s", want, plan)
		}
	}
	if out, err := m.w.apply(e.ctx); err != nil {
		t.Fatalf("the migrating apply: %v\n%s", err, out)
	}
	got := f.checksum()
	if want := f.keyed(); got != want {
		t.Errorf("after migrating, state holds %s, want the keyed fingerprint %s", got, want)
	}
	if now := hubPodAnnotation(t, e, f.annotation); now != got {
		t.Errorf("the hub pod's annotation is %s, want %s", now, got)
	}
	if info := e.latest(t); info.Revision != m.revision+1 {
		t.Errorf("the hub went from revision %d to %d; want exactly one upgrade", m.revision, info.Revision)
	}
	state, err := os.ReadFile(filepath.Join(m.w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range f.legacy {
		if strings.Contains(string(state), h) {
			t.Errorf("state still holds the plain hash %s", h)
		}
	}
	cmd, again := m.w.command(e.ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Errorf("the plan after migrating is not empty (%v):\n%s", err, again)
	}
}
