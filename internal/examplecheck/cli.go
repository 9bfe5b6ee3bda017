package examplecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/go-version"
)

// CLI is a Terraform or OpenTofu binary.
type CLI struct {
	Path    string
	Name    string // "terraform" or "tofu"
	Version *version.Version
}

// RegistryHost is where the CLI resolves "2i2c-org/twoi2chub".
func (c CLI) RegistryHost() string {
	if c.Name == "tofu" {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

func (c CLI) String() string { return c.Name + " " + c.Version.String() }

// DetectCLI asks a binary for its version.
func DetectCLI(ctx context.Context, path string) (CLI, error) {
	out, err := exec.CommandContext(ctx, path, "version", "-json").Output()
	if err != nil {
		return CLI{}, fmt.Errorf("%s version -json: %v", path, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return CLI{}, fmt.Errorf("%s version -json: %v", path, err)
	}
	ver, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		return CLI{}, err
	}
	// The CLIs check required_version against their release number without
	// a pre-release suffix: a 1.8.5-dev build runs ">= 1.8.0" roots.
	ver = ver.Core()
	name := "terraform"
	if strings.HasPrefix(filepath.Base(path), "tofu") {
		name = "tofu"
	}
	return CLI{Path: path, Name: name, Version: ver}, nil
}

// Admits reports whether required_version lets this CLI run the root.
func (r *Root) Admits(c CLI) bool {
	if r.RequiredVersion == "" {
		return true
	}
	constraint, err := version.NewConstraint(r.RequiredVersion)
	return err == nil && constraint.Check(c.Version)
}

// OtherProviders are the providers a root needs besides this one.
func (r *Root) OtherProviders() []string {
	var other []string
	for name, source := range r.Providers {
		if source != ProviderSource && source != "terraform.io/builtin/terraform" {
			other = append(other, name+" ("+source+")")
		}
	}
	return other
}

// Installation is a CLI configuration that installs the provider built from
// the checkout the way a user's CLI installs a release: from a filesystem
// mirror, at the version CHANGELOG.md prepares, so that `init` checks the
// examples' version constraints against it.
type Installation struct {
	Config string // TF_CLI_CONFIG_FILE
	Cache  string // TF_PLUGIN_CACHE_DIR
	// ModulesDir, when set, is the checkout's modules/: examples calling
	// this repository's modules by their pinned Git source are validated
	// against the checkout's copy instead (the tag may not exist yet).
	ModulesDir string
}

var ownModuleSource = regexp.MustCompile(`"` + regexp.QuoteMeta(ModuleRepository) + `([a-z0-9_-]+)\?ref=[^"]*"`)

// NewInstallation lays out dir/mirror/<host>/2i2c-org/twoi2chub/<version>/<os_arch>/
// for both registries with the provider binary, plus extraMirror (providers
// other examples need) when given.
func NewInstallation(dir, providerBin, ver, platform, extraMirror string) (*Installation, error) {
	mirror := filepath.Join(dir, "mirror")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		target := filepath.Join(mirror, host, "2i2c-org", "twoi2chub", ver, platform)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return nil, err
		}
		if err := linkOrCopy(providerBin, filepath.Join(target, "terraform-provider-twoi2chub")); err != nil {
			return nil, err
		}
	}
	var rc strings.Builder
	rc.WriteString("provider_installation {\n")
	fmt.Fprintf(&rc, "  filesystem_mirror {\n    path    = %q\n    include = [\"registry.terraform.io/2i2c-org/twoi2chub\", \"registry.opentofu.org/2i2c-org/twoi2chub\"]\n  }\n", mirror)
	if extraMirror != "" {
		fmt.Fprintf(&rc, "  filesystem_mirror {\n    path    = %q\n    exclude = [\"registry.terraform.io/2i2c-org/twoi2chub\", \"registry.opentofu.org/2i2c-org/twoi2chub\"]\n  }\n", extraMirror)
	}
	rc.WriteString("}\n")
	inst := &Installation{Config: filepath.Join(dir, "cli.tfrc"), Cache: filepath.Join(dir, "plugin-cache")}
	if err := os.MkdirAll(inst.Cache, 0o755); err != nil {
		return nil, err
	}
	return inst, os.WriteFile(inst.Config, []byte(rc.String()), 0o644)
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Validate copies the root (its .tf files, and the files they read with
// file(), such as a logo) into workDir and runs `init` and `validate` there,
// as a user who copied the example would. It returns the CLI's output, and an
// error when either command fails.
func (inst *Installation) Validate(ctx context.Context, cli CLI, root, workDir string) (string, error) {
	err := filepath.WalkDir(root, func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, f)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(workDir, rel), 0o755)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if strings.HasSuffix(f, ".tf") && inst.ModulesDir != "" {
			data = LocalModuleSources(data, inst.ModulesDir)
		}
		return os.WriteFile(filepath.Join(workDir, rel), data, 0o644)
	})
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	for _, args := range [][]string{
		{"init", "-backend=false", "-input=false", "-no-color"},
		{"validate", "-no-color"},
	} {
		cmd := exec.CommandContext(ctx, cli.Path, args...)
		cmd.Dir = workDir
		cmd.Env = append(cleanEnv(), "TF_CLI_CONFIG_FILE="+inst.Config, "TF_PLUGIN_CACHE_DIR="+inst.Cache,
			"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return out.String(), fmt.Errorf("%s %s: %v", cli, args[0], err)
		}
	}
	return out.String(), nil
}

// LocalModuleSources points this repository's pinned module sources in a
// configuration at modulesDir.
func LocalModuleSources(config []byte, modulesDir string) []byte {
	return ownModuleSource.ReplaceAllFunc(config, func(src []byte) []byte {
		name := ownModuleSource.FindSubmatch(src)[1]
		return []byte(fmt.Sprintf("%q", filepath.Join(modulesDir, string(name))))
	})
}

// cleanEnv drops the variables that would point the CLI at another provider
// (a test's reattached one, a user's configuration) or a workspace.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_REATTACH_PROVIDERS", name == "TF_CLI_CONFIG_FILE", name == "TF_PLUGIN_CACHE_DIR",
			name == "TF_DATA_DIR", name == "TF_WORKSPACE", strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "TF_CLI_ARGS"):
		default:
			env = append(env, kv)
		}
	}
	return env
}
