package examplecheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/changelog"
)

const repoRoot = "../.."

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodVersions = `terraform {
  required_version = ">= 1.8.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}
`

func TestRootCheck(t *testing.T) {
	for _, tc := range []struct {
		name, versions, main, want string
	}{
		{name: "good", versions: goodVersions},
		{name: "no required_version", want: "no terraform { required_version",
			versions: strings.Replace(goodVersions, `required_version = ">= 1.8.0"`, "", 1)},
		{name: "unpinned provider", want: "has no version: pin it, e.g. version = \"~> 0.1\"",
			versions: strings.Replace(goodVersions, `version = "~> 0.1"`, "", 1)},
		{name: "constraint that excludes the next release", want: `"~> 0.2" does not admit 0.1.0`,
			versions: strings.Replace(goodVersions, `"~> 0.1"`, `"~> 0.2"`, 1)},
		{name: "provider not required", want: "no required_providers entry",
			versions: `terraform { required_version = ">= 1.8.0" }`},
		{name: "module from a path", versions: goodVersions, want: "is a path into a checkout",
			main: `module "gke" { source = "../../modules/gke" }`},
		{name: "module from git without ref", versions: goodVersions, want: "is not pinned",
			main: `module "gke" { source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/gke" }`},
		{name: "module pinned to a branch", versions: goodVersions, want: "is not pinned",
			main: `module "gke" { source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/gke?ref=main" }`},
		{name: "pinned module that does not exist", versions: goodVersions, want: "modules/nowhere does not exist in this commit",
			main: `module "x" { source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/nowhere?ref=v0.1.0" }`},
		{name: "registry module without version", versions: goodVersions, want: "has no version",
			main: `module "vpc" { source = "terraform-google-modules/network/google" }`},
		{name: "registry module with version", versions: goodVersions,
			main: `module "vpc" {
  source  = "terraform-google-modules/network/google"
  version = "~> 9.0"
}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"versions.tf": tc.versions, "main.tf": tc.main})
			r, err := ReadRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			errs := r.Check("0.1.0", repoRoot)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected problems: %v", errs)
				}
				return
			}
			for _, e := range errs {
				if strings.Contains(e.Error(), tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got %v", tc.want, errs)
		})
	}
}

func TestCheckMarkdown(t *testing.T) {
	dir := writeFiles(t, map[string]string{"README.md": "# M\n\n```hcl\nmodule \"gke\" {\n  source = \"../modules/gke\"\n}\n```\n\ntext\n\n```hcl\nresource \"x\" {\n```\n\n```sh\nnot hcl {\n```\n"})
	errs := CheckMarkdown(filepath.Join(dir, "README.md"), repoRoot)
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "path into a checkout") || !strings.Contains(errs[1].Error(), "README.md:12: the HCL snippet does not parse") {
		t.Errorf("got %v", errs)
	}
}

func TestCheckModuleReadme(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"good/README.md": "# gke\n\n## License\n\nBSD-3-Clause, see [LICENSE](../../LICENSE).\n",
		"bad/README.md":  "# gke\n\nA cluster.\n",
	})
	if err := CheckModuleReadme(filepath.Join(dir, "good/README.md")); err != nil {
		t.Error(err)
	}
	if err := CheckModuleReadme(filepath.Join(dir, "bad/README.md")); err == nil || !strings.Contains(err.Error(), "## License") {
		t.Errorf("a README without the license passed: %v", err)
	}
}

func nextRelease(t *testing.T) string {
	text, err := os.ReadFile(filepath.Join(repoRoot, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := changelog.Parse(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return c.Next()
}

// TestRepositoryExamples: every example root pins the provider to a
// constraint the next release meets and states its oldest CLI.
func TestRepositoryExamples(t *testing.T) {
	next := nextRelease(t)
	roots, err := ExampleRoots(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) == 0 {
		t.Fatal("no example roots found")
	}
	for _, dir := range roots {
		r, err := ReadRoot(dir)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, e := range r.Check(next, repoRoot) {
			t.Error(e)
		}
	}
}

// TestRepositoryModuleReadmes: every module has a README naming the license.
func TestRepositoryModuleReadmes(t *testing.T) {
	modules, _ := filepath.Glob(filepath.Join(repoRoot, "modules", "*", "main.tf"))
	for _, m := range modules {
		if err := CheckModuleReadme(filepath.Join(filepath.Dir(m), "README.md")); err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d modules", len(modules))
}

// TestRepositoryDocs: the HCL on every page parses and calls modules only
// from pinned sources.
func TestRepositoryDocs(t *testing.T) {
	var pages []string
	for _, pattern := range []string{"*.md", "modules/*/*.md", "templates/*.tmpl", "templates/*/*.tmpl", "docs/*.md", "docs/*/*.md"} {
		matches, _ := filepath.Glob(filepath.Join(repoRoot, pattern))
		pages = append(pages, matches...)
	}
	for _, p := range pages {
		for _, e := range CheckMarkdown(p, repoRoot) {
			t.Error(e)
		}
	}
	t.Logf("%d pages", len(pages))
}

func TestLocalModuleSources(t *testing.T) {
	in := `module "gke" {
  source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/gke?ref=v0.1.0"
}
module "net" {
  source  = "terraform-google-modules/network/google"
  version = "~> 9.0"
}`
	got := string(LocalModuleSources([]byte(in), "/src/modules"))
	want := strings.Replace(in, `"git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/gke?ref=v0.1.0"`, `"/src/modules/gke"`, 1)
	if got != want {
		t.Errorf("got\n%s", got)
	}
}
