// Package changelog reads CHANGELOG.md in the format HashiCorp's providers
// use: one "## X.Y.Z (date)" section per release, newest first, the next
// release on top as "(Unreleased)", and entries grouped under upper-case
// headings (FEATURES:, ENHANCEMENTS:, BUG FIXES:, ...). It checks that shape
// and extracts one release's notes for the release workflow.
package changelog

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
)

// Headings are the group headings a release may have, in the order they
// must appear.
var Headings = []string{"BREAKING CHANGES:", "NOTES:", "FEATURES:", "ENHANCEMENTS:", "BUG FIXES:"}

// Unreleased is the date of the section that collects entries for the next release.
const Unreleased = "Unreleased"

var (
	releaseHeading = regexp.MustCompile(`^## (\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?) \((.+)\)$`)
	// "January 2, 2026" or "Jan 2, 2026", as HashiCorp's changelogs write release dates.
	releaseDate = regexp.MustCompile(`^(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{1,2}, \d{4}$`)
	// FEATURES: entries name what is new.
	featureEntry = regexp.MustCompile("^\\* \\*\\*New (Resource|Data Source|Ephemeral Resource|Function|Guide|Module):\\*\\* `([a-z0-9_-]+)`")
	// Other entries start with what they change: "resource/twoi2chub_hub:",
	// "data-source/twoi2chub_cluster:", "module/gke:" or "provider:".
	scopedEntry = regexp.MustCompile(`^\* (provider|(resource|data-source|ephemeral-resource|function|guide|module)/([a-z0-9_-]+)):`)
)

// Release is one "## X.Y.Z (date)" section.
type Release struct {
	Version string
	Date    string // "Unreleased" or a date such as "January 2, 2026"
	Line    int    // 1-based line of the heading
	Body    string // everything under the heading, up to the next release
	Groups  []Group
}

// Group is one heading (FEATURES: ...) and its entries.
type Group struct {
	Heading string
	Line    int
	Entries []Entry
}

// Entry is one "* ..." bullet, with its continuation lines joined.
type Entry struct {
	Line int
	Text string
}

// Changelog is a parsed CHANGELOG.md.
type Changelog struct {
	Releases []Release
}

// Parse splits a changelog into releases, groups and entries. It fails only on
// text it cannot place: anything before the first release heading other
// than blank lines, or a line under a release that is neither a heading, an
// entry nor an entry's indented continuation.
func Parse(text string) (*Changelog, error) {
	c := &Changelog{}
	var rel *Release
	var body []string
	flush := func() {
		if rel != nil {
			rel.Body = strings.Trim(strings.Join(body, "\n"), "\n") + "\n"
			c.Releases = append(c.Releases, *rel)
		}
	}
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		n := i + 1
		if m := releaseHeading.FindStringSubmatch(line); m != nil {
			flush()
			rel, body = &Release{Version: m[1], Date: m[2], Line: n}, nil
			continue
		}
		if strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "# ") {
			return nil, fmt.Errorf("line %d: %q is not a release heading: write \"## X.Y.Z (%s)\" or \"## X.Y.Z (January 2, 2026)\"", n, line, Unreleased)
		}
		if rel == nil {
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("line %d: text before the first release heading; the file must start with \"## X.Y.Z (%s)\"", n, Unreleased)
			}
			continue
		}
		body = append(body, line)
		switch {
		case strings.TrimSpace(line) == "":
		case strings.HasSuffix(line, ":") && strings.ToUpper(line) == line && !strings.HasPrefix(line, "*"):
			rel.Groups = append(rel.Groups, Group{Heading: line, Line: n})
		case strings.HasPrefix(line, "* "):
			if len(rel.Groups) == 0 {
				return nil, fmt.Errorf("line %d: entry outside a group; put it under one of %s", n, strings.Join(Headings, " "))
			}
			g := &rel.Groups[len(rel.Groups)-1]
			g.Entries = append(g.Entries, Entry{Line: n, Text: line})
		case strings.HasPrefix(line, "  "):
			g := lastGroup(rel)
			if g == nil || len(g.Entries) == 0 {
				return nil, fmt.Errorf("line %d: indented text that continues no entry", n)
			}
			e := &g.Entries[len(g.Entries)-1]
			e.Text += " " + strings.TrimSpace(line)
		default:
			return nil, fmt.Errorf("line %d: %q is neither a group heading (%s), an entry (\"* ...\") nor an indented continuation", n, line, strings.Join(Headings, " "))
		}
	}
	flush()
	return c, nil
}

func lastGroup(r *Release) *Group {
	if len(r.Groups) == 0 {
		return nil
	}
	return &r.Groups[len(r.Groups)-1]
}

// Scopes are the names entries may refer to, by kind: "resource",
// "data-source", "module", ... → set of names.
type Scopes map[string]map[string]bool

// Check returns every way the changelog departs from the format: the top
// section must be the only Unreleased one, versions must decrease, released
// sections must be dated and non-empty, groups must be known, in order, not
// repeated and not empty, and entries must have the shape their group asks
// for, naming only resources, data sources and modules in scopes (when
// scopes has that kind).
func (c *Changelog) Check(scopes Scopes) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("CHANGELOG.md:%d: %s", line, fmt.Sprintf(format, args...)))
	}
	if len(c.Releases) == 0 {
		return []error{fmt.Errorf("CHANGELOG.md: no release section; start it with \"## 0.1.0 (%s)\"", Unreleased)}
	}
	if c.Releases[0].Date != Unreleased {
		fail(c.Releases[0].Line, "the top section must be the next release, \"## X.Y.Z (%s)\", where new entries go", Unreleased)
	}
	var prev *version.Version
	for i, r := range c.Releases {
		v, err := version.NewSemver(r.Version)
		if err != nil {
			fail(r.Line, "version %q: %v", r.Version, err)
			continue
		}
		if prev != nil && !v.LessThan(prev) {
			fail(r.Line, "%s is listed below %s: newest release first", r.Version, prev)
		}
		prev = v
		if i > 0 {
			if r.Date == Unreleased {
				fail(r.Line, "only the top section may be %s", Unreleased)
			} else if !releaseDate.MatchString(r.Date) {
				fail(r.Line, "release date %q: write it like \"January 2, 2026\"", r.Date)
			}
			if len(r.Groups) == 0 {
				fail(r.Line, "released section %s has no entries", r.Version)
			}
		}
		errs = append(errs, checkGroups(r, scopes)...)
	}
	return errs
}

func checkGroups(r Release, scopes Scopes) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("CHANGELOG.md:%d: %s", line, fmt.Sprintf(format, args...)))
	}
	last := -1
	for _, g := range r.Groups {
		idx := slices.Index(Headings, g.Heading)
		switch {
		case idx < 0:
			fail(g.Line, "unknown group %q: use %s", g.Heading, strings.Join(Headings, " "))
			continue
		case idx == last:
			fail(g.Line, "%s appears twice in %s: merge the two lists", g.Heading, r.Version)
		case idx < last:
			fail(g.Line, "%s must come before %s (order: %s)", g.Heading, Headings[last], strings.Join(Headings, " "))
		}
		last = max(last, idx)
		if len(g.Entries) == 0 {
			fail(g.Line, "%s has no entries: remove the heading or add an entry", g.Heading)
		}
		for _, e := range g.Entries {
			if err := checkEntry(g.Heading, e, scopes); err != nil {
				fail(e.Line, "%v", err)
			}
		}
	}
	return errs
}

func checkEntry(heading string, e Entry, scopes Scopes) error {
	if heading == "NOTES:" || heading == "BREAKING CHANGES:" {
		// Free text, but a scope it names must exist.
		if m := scopedEntry.FindStringSubmatch(e.Text); m != nil {
			return checkScope(m[2], m[3], scopes)
		}
		return nil
	}
	if heading == "FEATURES:" {
		if m := featureEntry.FindStringSubmatch(e.Text); m != nil {
			kind := map[string]string{"Resource": "resource", "Data Source": "data-source", "Ephemeral Resource": "ephemeral-resource",
				"Function": "function", "Guide": "guide", "Module": "module"}[m[1]]
			return checkScope(kind, m[2], scopes)
		}
		if m := scopedEntry.FindStringSubmatch(e.Text); m != nil {
			return checkScope(m[2], m[3], scopes)
		}
		return fmt.Errorf("feature entry must start with \"* **New Resource:** `twoi2chub_x`\" (or New Data Source, Module, Guide, ...) or with a scope such as \"* provider:\"")
	}
	m := scopedEntry.FindStringSubmatch(e.Text)
	if m == nil {
		return fmt.Errorf("entry must start with what it changes: \"* resource/twoi2chub_hub: ...\", \"* data-source/twoi2chub_cluster: ...\", \"* module/gke: ...\" or \"* provider: ...\"")
	}
	return checkScope(m[2], m[3], scopes)
}

func checkScope(kind, name string, scopes Scopes) error {
	if kind == "" {
		return nil // provider
	}
	known, ok := scopes[kind]
	if !ok || known[name] {
		return nil
	}
	return fmt.Errorf("%s/%s does not exist in this commit (known: %s)", kind, name, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
}

// Notes returns the body of the section for version ("v0.1.0" or "0.1.0"),
// the release notes of that release. A section still marked Unreleased is
// refused unless allowUnreleased: date it before tagging.
func (c *Changelog) Notes(ver string, allowUnreleased bool) (string, error) {
	ver = strings.TrimPrefix(ver, "v")
	for _, r := range c.Releases {
		if r.Version != ver {
			continue
		}
		if r.Date == Unreleased && !allowUnreleased {
			return "", fmt.Errorf("CHANGELOG.md:%d: %s is still marked (%s): replace it with the release date before tagging v%s", r.Line, ver, Unreleased, ver)
		}
		if len(r.Groups) == 0 {
			return "", fmt.Errorf("CHANGELOG.md:%d: the section for %s has no entries", r.Line, ver)
		}
		return r.Body, nil
	}
	return "", fmt.Errorf("CHANGELOG.md has no section \"## %s (...)\": add one before tagging v%s", ver, ver)
}

// Next is the version of the top section: the release being prepared.
func (c *Changelog) Next() string {
	if len(c.Releases) == 0 {
		return ""
	}
	return c.Releases[0].Version
}

// RepositoryScopes lists what exists in the checkout at root: resources and
// data sources from the generated docs/ (which CI keeps in step with the
// schema), guides from docs/guides, and modules from modules/*.
func RepositoryScopes(root string) (Scopes, error) {
	scopes := Scopes{}
	for kind, pattern := range map[string]string{
		"resource":    "docs/resources/*.md",
		"data-source": "docs/data-sources/*.md",
		"guide":       "docs/guides/*.md",
		"module":      "modules/*/main.tf",
	} {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		scopes[kind] = map[string]bool{}
		for _, m := range matches {
			name := strings.TrimSuffix(filepath.Base(m), ".md")
			switch kind {
			case "resource", "data-source":
				name = "twoi2chub_" + name
			case "module":
				name = filepath.Base(filepath.Dir(m))
			}
			scopes[kind][name] = true
		}
	}
	return scopes, nil
}
