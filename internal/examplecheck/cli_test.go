package examplecheck

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cliEnv sets up what the CLI tests need: the CLIs named by
// TWOI2CHUB_EXAMPLE_CLIS (space-separated paths; `make examples-check` sets
// it), the provider built from the checkout (TWOI2CHUB_PROVIDER_BIN, or built
// here), and an installation that serves it as the next release.
func cliEnv(t *testing.T) (context.Context, []CLI, *Installation) {
	t.Helper()
	paths := strings.Fields(os.Getenv("TWOI2CHUB_EXAMPLE_CLIS"))
	if len(paths) == 0 {
		t.Skip("needs TWOI2CHUB_EXAMPLE_CLIS, the terraform and tofu binaries to validate with (make examples-check sets it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	var clis []CLI
	for _, p := range paths {
		c, err := DetectCLI(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		clis = append(clis, c)
	}
	dir := t.TempDir()
	bin := os.Getenv("TWOI2CHUB_PROVIDER_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "terraform-provider-twoi2chub")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		build.Dir = repoRoot
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	inst, err := NewInstallation(dir, bin, nextRelease(t), runtime.GOOS+"_"+runtime.GOARCH, os.Getenv("TWOI2CHUB_EXAMPLES_MIRROR"))
	if err != nil {
		t.Fatal(err)
	}
	if inst.ModulesDir, err = filepath.Abs(filepath.Join(repoRoot, "modules")); err != nil {
		t.Fatal(err)
	}
	return ctx, clis, inst
}

// TestExamplesValidate runs `init` and `validate` on every example root with
// every CLI its required_version admits, against the provider built from
// this checkout: an example that sets an attribute the schema lacks, a
// constraint the next release does not meet, or HCL a supported CLI cannot
// read fails here. Roots that need other providers (cloud stacks) run only
// when TWOI2CHUB_EXAMPLES_MIRROR names a filesystem mirror holding them.
func TestExamplesValidate(t *testing.T) {
	ctx, clis, inst := cliEnv(t)
	roots, err := ExampleRoots(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range roots {
		name, _ := filepath.Rel(filepath.Join(repoRoot, "examples"), dir)
		t.Run(name, func(t *testing.T) {
			r, err := ReadRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			if other := r.OtherProviders(); len(other) > 0 && os.Getenv("TWOI2CHUB_EXAMPLES_MIRROR") == "" {
				t.Skipf("needs %s: set TWOI2CHUB_EXAMPLES_MIRROR to a filesystem mirror that holds them", strings.Join(other, ", "))
			}
			ran := 0
			for _, cli := range clis {
				if !r.Admits(cli) {
					t.Logf("%s: required_version %q excludes it", cli, r.RequiredVersion)
					continue
				}
				ran++
				start := time.Now()
				out, err := inst.Validate(ctx, cli, dir, t.TempDir())
				if err != nil {
					t.Errorf("%v\n%s", err, out)
					continue
				}
				t.Logf("%s: init and validate in %.1fs", cli, time.Since(start).Seconds())
			}
			if ran == 0 {
				t.Errorf("required_version %q admits none of the CLIs here (%v): nothing validated it", r.RequiredVersion, clis)
			}
		})
	}
}

// TestValidateCatchesWhatTheSchemaLacks: the check above can fail.
func TestValidateCatchesWhatTheSchemaLacks(t *testing.T) {
	ctx, clis, inst := cliEnv(t)
	for name, tc := range map[string]struct{ main, want string }{
		"unknown attribute": {want: "no_such_attribute",
			main: `resource "twoi2chub_hub" "x" {
  name              = "hub"
  namespace         = "x"
  no_such_attribute = true
}`},
		"unknown resource type": {want: "twoi2chub_notebook",
			main: `resource "twoi2chub_notebook" "x" {}`},
		"constraint the next release does not meet": {want: "twoi2chub",
			main: `terraform {
  required_providers {
    twoi2chub = { source = "2i2c-org/twoi2chub", version = "~> 9.0" }
  }
}`},
	} {
		t.Run(name, func(t *testing.T) {
			main := tc.main
			if !strings.Contains(main, "required_providers") {
				main = goodVersions + main
			}
			dir := writeFiles(t, map[string]string{"main.tf": main})
			out, err := inst.Validate(ctx, clis[0], dir, t.TempDir())
			if err == nil {
				t.Fatalf("%s validated an example it should refuse:\n%s", clis[0], out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("the failure does not mention %q:\n%s", tc.want, out)
			}
		})
	}
}
