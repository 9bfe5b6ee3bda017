// Package imagebuild builds a community's user image from a Binder-style git
// repository, the way BinderHub does: the image is named by the commit it was
// built from, a build runs only when the registry does not have that tag yet,
// and the build itself is repo2docker in a Kubernetes Job that pushes the
// result. This file holds the pure parts: naming and the Job.
package imagebuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Request describes one image to have in the registry.
type Request struct {
	Repository string // git URL
	Commit     string // resolved, 40 hex digits
	Subpath    string // directory of the repository holding the environment
	Image      string // registry/name, without tag
	// BuildArgs are extra repo2docker command-line arguments, e.g.
	// ["--build-memory-limit", "4G"].
	BuildArgs []string
	// Triggers are any values whose change should give a new build.
	Triggers map[string]string
}

const maxTagLength = 128

var (
	unsafeTag = regexp.MustCompile(`[^a-z0-9._-]+`)
	hexCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// Tag names the image after what it is built from, as BinderHub does: the
// repository (and subpath) made registry-safe, then the commit, then a short
// digest of everything that shapes the build so two inputs never share a tag.
// Registry tags are at most 128 characters of [A-Za-z0-9_.-], starting with a
// letter, digit or underscore.
func Tag(r Request) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", r.Repository, r.Subpath, r.Commit)
	for _, a := range r.BuildArgs {
		fmt.Fprintf(h, "%s\x00", a)
	}
	h.Write([]byte{1})
	keys := make([]string, 0, len(r.Triggers))
	for k := range r.Triggers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\x00", k, r.Triggers[k])
	}
	digest := hex.EncodeToString(h.Sum(nil))[:10]
	commit := r.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	slug := strings.ToLower(repoPath(r.Repository))
	if r.Subpath != "" {
		slug += "-" + strings.ToLower(r.Subpath)
	}
	slug = strings.Trim(unsafeTag.ReplaceAllString(slug, "-"), "-._")
	suffix := "-" + commit + "-" + digest
	if room := maxTagLength - len(suffix); len(slug) > room {
		slug = strings.TrimRight(slug[len(slug)-room:], "-._")
		slug = strings.TrimLeft(slug, "-._")
	}
	if slug == "" {
		slug = "repo"
	}
	return slug + suffix
}

// repoPath is the part of a git URL that names the repository: "org/repo" of
// https://github.com/org/repo.git.
func repoPath(url string) string {
	s := url
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.Index(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
}

// JobName is the build Job's name for a tag: the same tag always gives the
// same Job, so two applies building it share one Job instead of racing.
func JobName(tag string) string {
	sum := sha256.Sum256([]byte(tag))
	return "repo2docker-" + hex.EncodeToString(sum[:])[:16]
}

// IsCommit reports whether ref is already a full commit hash.
func IsCommit(ref string) bool { return hexCommit.MatchString(ref) }
