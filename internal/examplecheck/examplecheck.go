// Package examplecheck holds the examples and docs to what a community can
// copy: every example root under examples/ pins the provider ("~> 0.1") and
// states the oldest Terraform/OpenTofu it needs; every module a page or an
// example calls comes from a pinned source (never a path into a checkout);
// every module's README names the license. Validating each example with the
// real CLI against the provider built from the checkout is in cli.go.
package examplecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

const (
	// ProviderSource is the provider's address in required_providers.
	ProviderSource = "2i2c-org/twoi2chub"
	// ModuleRepository is the Git source prefix modules are published under
	// (DESIGN.md, "How modules are published").
	ModuleRepository = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/"
)

// Root is what one example root declares.
type Root struct {
	Dir             string
	RequiredVersion string            // terraform { required_version }
	Providers       map[string]string // local name → source
	ProviderVersion map[string]string // local name → version constraint
	Modules         []ModuleCall
}

// ModuleCall is a module block's source and version.
type ModuleCall struct {
	Where   string // file:line
	Source  string
	Version string
}

// ReadRoot parses every .tf file of dir.
func ReadRoot(dir string) (*Root, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	r := &Root{Dir: dir, Providers: map[string]string{}, ProviderVersion: map[string]string{}}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := r.add(f, src); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Root) add(filename string, src []byte) error {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return diags
	}
	for _, block := range file.Body.(*hclsyntax.Body).Blocks {
		switch block.Type {
		case "terraform":
			if a, ok := block.Body.Attributes["required_version"]; ok {
				r.RequiredVersion = literalString(a.Expr)
			}
			for _, inner := range block.Body.Blocks {
				if inner.Type != "required_providers" {
					continue
				}
				for name, a := range inner.Body.Attributes {
					v, diags := a.Expr.Value(nil)
					if diags.HasErrors() || !v.Type().IsObjectType() {
						return fmt.Errorf("%s: required_providers.%s must be { source = ..., version = ... }", filename, name)
					}
					if v.Type().HasAttribute("source") {
						r.Providers[name] = v.GetAttr("source").AsString()
					}
					if v.Type().HasAttribute("version") {
						r.ProviderVersion[name] = v.GetAttr("version").AsString()
					}
				}
			}
		case "module":
			call := ModuleCall{Where: fmt.Sprintf("%s:%d", filename, block.DefRange().Start.Line)}
			if a, ok := block.Body.Attributes["source"]; ok {
				call.Source = literalString(a.Expr)
			}
			if a, ok := block.Body.Attributes["version"]; ok {
				call.Version = literalString(a.Expr)
			}
			r.Modules = append(r.Modules, call)
		}
	}
	return nil
}

func literalString(e hclsyntax.Expression) string {
	v, diags := e.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || v.IsNull() {
		return ""
	}
	return v.AsString()
}

// Check returns what an example root lacks: a required_version, the
// provider pinned with a constraint that admits next (the release being
// prepared, CHANGELOG.md's top section), and pinned module sources.
func (r *Root) Check(next, repoRoot string) []error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", r.Dir, fmt.Sprintf(format, args...)))
	}
	if r.RequiredVersion == "" {
		fail("no terraform { required_version = \">= ...\" }: state the oldest Terraform and OpenTofu this example runs on")
	} else if _, err := version.NewConstraint(r.RequiredVersion); err != nil {
		fail("required_version %q: %v", r.RequiredVersion, err)
	}
	var local string
	for name, source := range r.Providers {
		if source == ProviderSource {
			local = name
		}
	}
	switch {
	case local == "":
		fail("no required_providers entry with source = %q", ProviderSource)
	case r.ProviderVersion[local] == "":
		fail("required_providers.%s has no version: pin it, e.g. version = \"~> %s\"", local, minorOf(next))
	default:
		c, err := version.NewConstraint(r.ProviderVersion[local])
		if err != nil {
			fail("required_providers.%s.version %q: %v", local, r.ProviderVersion[local], err)
		} else if v, err := version.NewVersion(next); err == nil && !c.Check(v) {
			fail("required_providers.%s.version %q does not admit %s, the release CHANGELOG.md prepares", local, r.ProviderVersion[local], next)
		}
	}
	for _, m := range r.Modules {
		if err := CheckModuleSource(m, repoRoot); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", m.Where, err))
		}
	}
	return errs
}

func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

var (
	pinnedRef = regexp.MustCompile(`[?&]ref=v\d+\.\d+\.\d+$`)
	// Registry module addresses: namespace/name/provider.
	registryModule = regexp.MustCompile(`^([a-z0-9.-]+/)?[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[a-z0-9]+$`)
)

// CheckModuleSource accepts what a community can copy and will not move
// under it: this repository's modules by Git source pinned to a release tag
// (a module that exists in this commit), another Git source pinned to a tag,
// or a registry module with a version. Paths into a checkout are refused.
func CheckModuleSource(m ModuleCall, repoRoot string) error {
	s := m.Source
	switch {
	case s == "":
		return fmt.Errorf("module without a literal source")
	case strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../"):
		return fmt.Errorf("module source %q is a path into a checkout; use %s<name>?ref=vX.Y.Z", s, ModuleRepository)
	case strings.HasPrefix(s, ModuleRepository):
		name, _, _ := strings.Cut(strings.TrimPrefix(s, ModuleRepository), "?")
		if !pinnedRef.MatchString(s) {
			return fmt.Errorf("module source %q is not pinned: end it with ?ref=vX.Y.Z", s)
		}
		if _, err := os.Stat(filepath.Join(repoRoot, "modules", name, "main.tf")); err != nil {
			return fmt.Errorf("module source %q: modules/%s does not exist in this commit", s, name)
		}
	case strings.HasPrefix(s, "git::") || strings.HasPrefix(s, "github.com/"):
		if !pinnedRef.MatchString(s) {
			return fmt.Errorf("module source %q is not pinned: end it with ?ref=vX.Y.Z", s)
		}
	case registryModule.MatchString(s):
		if m.Version == "" {
			return fmt.Errorf("registry module %q has no version: pin it", s)
		}
	default:
		return fmt.Errorf("module source %q: use %s<name>?ref=vX.Y.Z or a registry module with a version", s, ModuleRepository)
	}
	return nil
}

// ExampleRoots lists the directories under examplesDir holding .tf files.
func ExampleRoots(examplesDir string) ([]string, error) {
	var roots []string
	err := filepath.WalkDir(examplesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform" || strings.HasPrefix(d.Name(), ".")) && path != examplesDir {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			dir := filepath.Dir(path)
			if !slices.Contains(roots, dir) {
				roots = append(roots, dir)
			}
		}
		return nil
	})
	return roots, err
}

var fence = regexp.MustCompile("(?ms)^```(hcl|terraform|tf)\\s*\\n(.*?)^```")

// CheckMarkdown checks the HCL snippets of a page: each must parse, and
// every module it calls must come from a pinned source.
func CheckMarkdown(path, repoRoot string) []error {
	text, err := os.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, m := range fence.FindAllSubmatchIndex(text, -1) {
		line := 1 + strings.Count(string(text[:m[4]]), "\n")
		snippet := text[m[4]:m[5]]
		r := &Root{Providers: map[string]string{}, ProviderVersion: map[string]string{}}
		if err := r.add(path, snippet); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: the HCL snippet does not parse: %v", path, line, err))
			continue
		}
		for _, call := range r.Modules {
			if err := CheckModuleSource(call, repoRoot); err != nil {
				errs = append(errs, fmt.Errorf("%s (snippet at line %d): %v", path, line, err))
			}
		}
	}
	return errs
}

// CheckModuleReadme: a module's README names the license it is published
// under, in a "License" section linking the repository's LICENSE.
func CheckModuleReadme(path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(text)
	if !regexp.MustCompile(`(?m)^#+ License\s*$`).MatchString(s) || !strings.Contains(s, "BSD-3-Clause") || !strings.Contains(s, "LICENSE") {
		return fmt.Errorf("%s: add a \"## License\" section saying the module is BSD-3-Clause, linking ../../LICENSE", path)
	}
	return nil
}
