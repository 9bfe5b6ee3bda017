package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/testbed"
)

// cliWorkdir runs the Terraform (or OpenTofu) CLI named by
// TF_ACC_TERRAFORM_PATH against a provider binary built from this checkout,
// as a person would: the provider runs in its own process, so it can be killed.
type cliWorkdir struct {
	t   *testing.T
	dir string
	cli string
	env []string
}

// buildProvider compiles the provider into dir once per test.
func buildProvider(t *testing.T, dir string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-twoi2chub"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
}

func newCLIWorkdir(t *testing.T, kubeconfig string) *cliWorkdir {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Skip("needs TF_ACC_TERRAFORM_PATH (make testacc sets it)")
	}
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	buildProvider(t, pluginDir)
	rc := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"2i2c-org/twoi2chub\" = %q\n  }\n  direct {}\n}\n", pluginDir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "KUBE_CONFIG_PATH="+kubeconfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return &cliWorkdir{t: t, dir: dir, cli: cli, env: env}
}

func (w *cliWorkdir) writeConfig(hcl string) {
	w.t.Helper()
	full := `terraform {
  required_providers {
    twoi2chub = { source = "2i2c-org/twoi2chub" }
  }
}
` + hcl
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(full), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cliWorkdir) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, w.cli, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	return cmd, out
}

func (w *cliWorkdir) apply(ctx context.Context) (string, error) {
	cmd, out := w.command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	err := cmd.Run()
	return out.String(), err
}

// TestAccHubRecoversKilledApply kills the provider process in the middle of
// an upgrade, which leaves the release pending-upgrade (plain Helm then
// refuses: "another operation is in progress"), and shows the next apply
// recovers it without any manual helm command.
func TestAccHubRecoversKilledApply(t *testing.T) {
	e := newHubEnv(t)
	w := newCLIWorkdir(t, e.cp.KubeconfigPath)
	hub := func(extra string) string {
		return fmt.Sprintf(`
resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  image            = "quay.io/jupyter/base-notebook:2025-01-06"
%s
}
`, e.name, e.ns, e.repo, extra)
	}
	good := hub("")
	// Its hub cannot be scheduled, so the upgrade waits (for up to 10 minutes).
	stuck := hub(`  extra_values = yamlencode({ hub = { nodeSelector = { pool = "nowhere" } } })
  timeouts     = { update = "10m" }`)

	w.writeConfig(good)
	if out, err := w.apply(e.ctx); err != nil {
		t.Fatalf("first apply: %v\n%s", err, out)
	}

	w.writeConfig(stuck)
	cmd, out := w.command(e.ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if info := e.latest(t); info != nil && info.Status == "pending-upgrade" {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the upgrade never started:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	providers := testbed.ChildProcesses(cmd.Process.Pid, "terraform-provi")
	if len(providers) != 1 {
		_ = cmd.Process.Kill()
		t.Fatalf("no provider process under %s (pid %d)", w.cli, cmd.Process.Pid)
	}
	if err := syscall.Kill(providers[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("apply succeeded although its provider was killed:\n%s", out)
	}
	if info := e.latest(t); info.Status != "pending-upgrade" || info.Revision != 2 {
		t.Fatalf("after the kill the release is %s at revision %d; want pending-upgrade at 2", info.Status, info.Revision)
	}

	w.writeConfig(good)
	text, err := w.apply(e.ctx)
	if err != nil {
		t.Fatalf("the apply after the kill failed:\n%s", text)
	}
	for _, want := range []string{"Recovered an interrupted release", "revision 2 was left pending-upgrade", "rolled back to revision 1"} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("apply output does not say %q:\n%s", want, text)
		}
	}
	info := e.latest(t)
	if !info.Deployed() || info.Revision != 4 {
		t.Errorf("release after recovery: %+v; want deployed at revision 4 (rollback 3, then the apply)", info)
	}
	if hubValues, _ := info.Config["hub"].(map[string]any); hubValues["nodeSelector"] != nil {
		t.Errorf("the recovered release still has the stuck values: %v", info.Config)
	}
	// And nothing is left to do.
	cmd, planOut := w.command(e.ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err := cmd.Run(); err != nil {
		t.Errorf("plan after recovery is not empty (%v):\n%s", err, planOut)
	}
}
