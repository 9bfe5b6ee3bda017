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
	// Both providers are built before the hub's ten minutes start: on a busy
	// machine the builds alone can take most of them.
	cp := testAccPreCheck(t)
	old, current := t.TempDir(), t.TempDir()
	buildProviderAt(t, plainHashRevision, old)
	w := newCLIWorkdir(t, cp.KubeconfigPath) // builds this checkout's provider
	plugins := filepath.Join(w.dir, "plugins")
	installProvider(t, plugins, current)
	installProvider(t, old, plugins)
	e := newHubEnv(t)
	setSecret(t, e, "hub-oauth", "migrating-secret-value")
	w.writeConfig(fmt.Sprintf(`
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
	if out, err := w.apply(e.ctx); err != nil {
		t.Fatalf("apply with the provider at %s: %v\n%s", plainHashRevision, err, out)
	}
	legacy := plainHashes(e.ns, "github", "migrating-secret-value")
	checksum := func() string { return w.stateValue(e.ctx, authAddr, "client_secret_checksum") }
	if got := checksum(); got != legacy[1] {
		t.Fatalf("the old provider stored %s, not the salted SHA-256 this test migrates from (%s)", got, legacy[1])
	}
	revision := e.latest(t).Revision

	installProvider(t, current, plugins)
	cmd, plan := w.command(e.ctx, "plan", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Fatalf("plan after upgrading the provider: %v\n%s", err, plan)
	}
	text := strings.Join(strings.Fields(plan.String()), " ")
	for _, want := range []string{"The client secret's fingerprint will be replaced", "twoi2chub_auth.test will be updated in-place",
		"twoi2chub_hub.test will be updated in-place", "2 to change"} {
		if !strings.Contains(text, want) {
			t.Errorf("the migration plan does not say %q:\n%s", want, plan)
		}
	}
	if out, err := w.apply(e.ctx); err != nil {
		t.Fatalf("the migrating apply: %v\n%s", err, out)
	}
	got := checksum()
	if want := authFingerprint(t, e, "github", "migrating-secret-value"); got != want {
		t.Errorf("after migrating, state holds %s, want the keyed fingerprint %s", got, want)
	}
	if now := hubPodAnnotation(t, e, "twoi2chub.2i2c.org/auth-secret-checksum"); now != got {
		t.Errorf("the hub pod's annotation is %s, want %s", now, got)
	}
	if info := e.latest(t); info.Revision != revision+1 {
		t.Errorf("the hub went from revision %d to %d; want exactly one upgrade", revision, info.Revision)
	}
	state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range legacy {
		if strings.Contains(string(state), h) {
			t.Errorf("state still holds the plain hash %s", h)
		}
	}
	cmd, again := w.command(e.ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Errorf("the plan after migrating is not empty (%v):\n%s", err, again)
	}
}
