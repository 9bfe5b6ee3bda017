package changelog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testScopes = Scopes{
	"resource":    {"twoi2chub_hub": true},
	"data-source": {"twoi2chub_cluster": true},
	"module":      {},
}

const good = `## 0.2.0 (Unreleased)

ENHANCEMENTS:

* resource/twoi2chub_hub: add ` + "`public_address`" + `
  (the LoadBalancer's address).

## 0.1.0 (January 2, 2026)

FEATURES:

* **New Resource:** ` + "`twoi2chub_hub`" + `
* **New Data Source:** ` + "`twoi2chub_cluster`" + `

BUG FIXES:

* provider: name the host in connection errors.
`

func TestGoodChangelog(t *testing.T) {
	c, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Check(testScopes); len(errs) > 0 {
		t.Fatalf("unexpected problems: %v", errs)
	}
	if c.Next() != "0.2.0" {
		t.Errorf("Next = %q", c.Next())
	}
	notes, err := c.Notes("v0.1.0", false)
	if err != nil {
		t.Fatal(err)
	}
	want := "FEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n* **New Data Source:** `twoi2chub_cluster`\n\nBUG FIXES:\n\n* provider: name the host in connection errors.\n"
	if notes != want {
		t.Errorf("notes for v0.1.0:\n%q\nwant\n%q", notes, want)
	}
	if got := c.Releases[0].Groups[0].Entries[0].Text; !strings.HasSuffix(got, "add `public_address` (the LoadBalancer's address).") {
		t.Errorf("continuation line not joined: %q", got)
	}
}

func TestNotesRefusesUnreleasedAndMissing(t *testing.T) {
	c, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Notes("v0.2.0", false); err == nil || !strings.Contains(err.Error(), "replace it with the release date") {
		t.Errorf("tagging an Unreleased section: %v", err)
	}
	if _, err := c.Notes("v0.2.0", true); err != nil {
		t.Errorf("snapshot notes of the Unreleased section: %v", err)
	}
	if _, err := c.Notes("v0.3.0", false); err == nil || !strings.Contains(err.Error(), "no section") {
		t.Errorf("tag without a section: %v", err)
	}
}

// Each row breaks the format in one way; the check must say so.
func TestBadChangelogs(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"no unreleased on top", "## 0.1.0 (January 2, 2026)\n\nFEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n", "top section must be the next release"},
		{"two unreleased", "## 0.2.0 (Unreleased)\n\n## 0.1.0 (Unreleased)\n\nFEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n", "only the top section"},
		{"versions not descending", "## 0.1.0 (Unreleased)\n\n## 0.2.0 (January 2, 2026)\n\nFEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n", "newest release first"},
		{"bad date", "## 0.2.0 (Unreleased)\n\n## 0.1.0 (2026-01-02)\n\nFEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n", "write it like"},
		{"empty release", "## 0.2.0 (Unreleased)\n\n## 0.1.0 (January 2, 2026)\n", "has no entries"},
		{"unknown group", "## 0.1.0 (Unreleased)\n\nIMPROVEMENTS:\n\n* provider: x\n", "unknown group"},
		{"groups out of order", "## 0.1.0 (Unreleased)\n\nBUG FIXES:\n\n* provider: x\n\nFEATURES:\n\n* **New Resource:** `twoi2chub_hub`\n", "must come before"},
		{"group twice", "## 0.1.0 (Unreleased)\n\nBUG FIXES:\n\n* provider: x\n\nBUG FIXES:\n\n* provider: y\n", "appears twice"},
		{"empty group", "## 0.1.0 (Unreleased)\n\nFEATURES:\n\nBUG FIXES:\n\n* provider: x\n", "FEATURES: has no entries"},
		{"unscoped entry", "## 0.1.0 (Unreleased)\n\nBUG FIXES:\n\n* fixed the hub\n", "must start with what it changes"},
		{"feature without New", "## 0.1.0 (Unreleased)\n\nFEATURES:\n\n* a hub resource\n", "feature entry must start"},
		{"resource that does not exist", "## 0.1.0 (Unreleased)\n\nENHANCEMENTS:\n\n* resource/twoi2chub_notebook: x\n", "resource/twoi2chub_notebook does not exist"},
		{"module that does not exist", "## 0.1.0 (Unreleased)\n\nFEATURES:\n\n* **New Module:** `eks`\n", "module/eks does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			errs := c.Check(testScopes)
			for _, e := range errs {
				if strings.Contains(e.Error(), tc.want) {
					return
				}
			}
			t.Errorf("want a problem containing %q, got %v", tc.want, errs)
		})
	}
}

func TestUnparseableChangelogs(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"title before releases", "# Changelog\n\n## 0.1.0 (Unreleased)\n", "not a release heading"},
		{"text before releases", "All notable changes.\n\n## 0.1.0 (Unreleased)\n", "text before the first release heading"},
		{"version without date", "## 0.1.0\n", "not a release heading"},
		{"entry outside group", "## 0.1.0 (Unreleased)\n\n* provider: x\n", "entry outside a group"},
		{"stray text", "## 0.1.0 (Unreleased)\n\nFEATURES:\n\nsome words\n", "neither a group heading"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want an error containing %q, got %v", tc.want, err)
			}
		})
	}
}

// TestRepositoryChangelog checks the project's own CHANGELOG.md against the
// resources, data sources, guides and modules that exist in this commit.
func TestRepositoryChangelog(t *testing.T) {
	root := filepath.Join("..", "..")
	text, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(string(text))
	if err != nil {
		t.Fatal(err)
	}
	scopes, err := RepositoryScopes(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Check(scopes) {
		t.Error(e)
	}
}
