package imagebuild

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
)

// ResolveRef turns a branch, a tag or "HEAD" (the default branch) into the
// commit it points at now, by listing the remote's references the way
// `git ls-remote` does; nothing is cloned. A full commit hash is returned as
// it is. auth, when not nil, reads a private repository.
func ResolveRef(ctx context.Context, url, ref string, auth *GitAuth) (string, error) {
	if IsCommit(ref) {
		return ref, nil
	}
	if ref == "" {
		ref = "HEAD"
	}
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	method, err := auth.method(url)
	if err != nil {
		return "", err
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{PeelingOption: git.AppendPeeled, Auth: method})
	if err != nil {
		return "", fmt.Errorf("listing the references of %s: %w", url, err)
	}
	byName := map[string]*plumbing.Reference{}
	for _, r := range refs {
		byName[r.Name().String()] = r
	}
	candidates := []string{ref}
	if !strings.HasPrefix(ref, "refs/") && ref != "HEAD" {
		// An annotated tag's peeled entry names the commit, not the tag object.
		candidates = []string{"refs/heads/" + ref, "refs/tags/" + ref + "^{}", "refs/tags/" + ref}
	}
	for _, name := range candidates {
		r, ok := byName[name]
		if !ok {
			continue
		}
		if r.Type() == plumbing.SymbolicReference {
			if target, ok := byName[r.Target().String()]; ok {
				return target.Hash().String(), nil
			}
			continue
		}
		return r.Hash().String(), nil
	}
	var names []string
	for n := range byName {
		if strings.HasPrefix(n, "refs/heads/") || strings.HasPrefix(n, "refs/tags/") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(n, "refs/heads/"), "refs/tags/"), "^{}"))
		}
	}
	sort.Strings(names)
	if len(names) > 10 {
		names = append(names[:10], "...")
	}
	return "", fmt.Errorf("%s has no branch or tag %q (it has: %s); a commit must be given as its full 40-character hash", url, ref, strings.Join(names, ", "))
}
