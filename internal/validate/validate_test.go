package validate

import (
	"strings"
	"testing"
)

func TestValidators(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) error
		good  []string
		bad   map[string]string // value -> part of the message
	}{
		{"DNSName", DNSName, []string{"hub.example.org", "a-b.c9.io"},
			map[string]string{"Hub.example.org": "not a DNS name", "hub": "needs a dot", "hub_x.example.org": "not a DNS name", "-a.example": "not a DNS name"}},
		{"Email", Email, []string{"it@example.org", "a.b+c@uni.example"},
			map[string]string{"it": "not an e-mail", "IT <it@example.org>": "just the address", "it@localhost": "not an e-mail"}},
		{"ImageRef", ImageRef, []string{
			"quay.io/jupyter/scipy-notebook:2025-01-06", "localhost:5000/env:v1", "jupyter/base:latest",
			"ghcr.io/org/env@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
			"ghcr.io/org/env:v2@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"},
			map[string]string{"quay.io/jupyter/scipy-notebook": "neither a tag nor a digest", "Quay.io/UPPER/x:1": "not an image reference",
				"a/b:c@sha256:short": "invalid digest", "a/b:-x": "invalid tag", "": "not an image reference"}},
		{"Memory", Memory, []string{"512M", "2G", "1.5Gi", "4096", "1T"},
			map[string]string{"4GBs": "not a memory size", "2g": "not a memory size", "1e3": "not a memory size", "500m": "not a memory size", "-1G": "not a memory size"}},
		{"CPU", CPU, []string{"2", "0.5", "500m", "16"},
			map[string]string{"two": "not an amount of CPU", "2 cores": "not an amount of CPU", "0": "not an amount of CPU", "-1": "not an amount of CPU",
				"1Gi": "not an amount of CPU", "1e3": "not an amount of CPU", "": "not an amount of CPU"}},
		{"Storage", Storage, []string{"10Gi", "1Ti", "100G"}, map[string]string{"0": "not a storage size", "ten": "not a storage size"}},
		{"ReleaseName", ReleaseName, []string{"hub", "staging-hub"},
			map[string]string{"Hub": "not a valid release name", strings.Repeat("a", 54): "at most 53"}},
		{"Namespace", Namespace, []string{"hackweek"}, map[string]string{"hack.week": "not a valid namespace"}},
		{"LabelKey", LabelKey, []string{"hub.jupyter.org/node-purpose", "gpu"}, map[string]string{"a/b/c": "not a valid label key"}},
		{"ExtendedResource", ExtendedResource, []string{"nvidia.com/gpu", "amd.com/gpu"}, map[string]string{"gpu": "domain/name"}},
		{"HostOrIP", HostOrIP, []string{"10.0.0.2", "fs.example.org", "fd00::1"}, map[string]string{"fs_1": "neither"}},
		{"AbsolutePath", AbsolutePath, []string{"/home/jovyan", "/"}, map[string]string{"home": "absolute", "/a/../b": "absolute", "/a/": "absolute"}},
		{"SubPath", SubPath, []string{"{username}", "homes/{username}"}, map[string]string{"/abs": "relative", "../up": "relative", "a/../../b": "relative"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, g := range tc.good {
				if err := tc.check(g); err != nil {
					t.Errorf("%q rejected: %v", g, err)
				}
			}
			for b, want := range tc.bad {
				err := tc.check(b)
				if err == nil {
					t.Errorf("%q accepted", b)
				} else if !strings.Contains(err.Error(), want) {
					t.Errorf("%q: message %q does not say %q", b, err, want)
				}
			}
		})
	}
}

func TestBytes(t *testing.T) {
	if Bytes("2G") != 2_000_000_000 || Bytes("1Gi") != 1<<30 {
		t.Errorf("Bytes: %d %d", Bytes("2G"), Bytes("1Gi"))
	}
}
