// Package z2jhtest gives tests the zero-to-jupyterhub 4.4.0 values schema and
// default values, which live outside the repository in ../shared/z2jh/4.4.0
// (BSD-3 data from the chart). Tests skip with a clear message without them.
package z2jhtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Version is the chart version the shared data describes.
const Version = "4.4.0"

// Dir returns the directory holding values.schema.json and values.defaults.json,
// found as ../shared/z2jh/<Version> beside the repository, or $TWOI2CHUB_Z2JH_DIR.
func Dir() (string, bool) {
	if d := os.Getenv("TWOI2CHUB_Z2JH_DIR"); d != "" {
		return d, true
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(d), "shared", "z2jh", Version)
			if _, err := os.Stat(filepath.Join(cand, "values.schema.json")); err == nil {
				return cand, true
			}
			return "", false
		}
	}
	return "", false
}

// Schema returns the chart's values schema, or skips the test.
func Schema(t testing.TB) []byte {
	t.Helper()
	return read(t, "values.schema.json")
}

// Defaults returns the chart's default values, or skips the test.
func Defaults(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(read(t, "values.defaults.json"), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	dir, ok := Dir()
	if !ok {
		t.Skipf("z2jh %s schema and defaults not found: expected ../shared/z2jh/%s beside the repository (or set TWOI2CHUB_Z2JH_DIR)", Version, Version)
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
