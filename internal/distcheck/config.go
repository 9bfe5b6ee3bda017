package distcheck

import (
	"fmt"
	"os"
	"slices"

	"sigs.k8s.io/yaml"
)

// platformRule is an entry of a build's ignore list; an empty field matches all.
type platformRule struct {
	Goos   string `json:"goos"`
	Goarch string `json:"goarch"`
}

// ConfigTargets lists the os_arch platforms the goreleaser configuration at
// path builds: every goos × goarch of its single build, less its ignores.
// A combination Go cannot build must be ignored explicitly, so that the
// list here is the list goreleaser builds.
func ConfigTargets(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Builds []struct {
			Goos    []string       `json:"goos"`
			Goarch  []string       `json:"goarch"`
			Targets []string       `json:"targets"`
			Ignore  []platformRule `json:"ignore"`
		} `json:"builds"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(cfg.Builds) != 1 {
		return nil, fmt.Errorf("%s: %d builds, want exactly one (the provider binary)", path, len(cfg.Builds))
	}
	b := cfg.Builds[0]
	if len(b.Targets) > 0 {
		return nil, fmt.Errorf("%s: builds[0].targets is set; list goos, goarch and ignore instead", path)
	}
	var targets []string
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			ignored := slices.ContainsFunc(b.Ignore, func(ig platformRule) bool {
				return (ig.Goos == "" || ig.Goos == goos) && (ig.Goarch == "" || ig.Goarch == goarch)
			})
			if !ignored {
				targets = append(targets, goos+"_"+goarch)
			}
		}
	}
	slices.Sort(targets)
	return targets, nil
}
