// Package z2jhtest gives tests the real zero-to-jupyterhub 4.4.0 chart, its
// values schema and default values, which live outside the repository in
// ../shared/z2jh (BSD-3 data from the chart). Without them, the chart is
// fetched from its public repository; tests skip with one plain line when
// neither is possible.
package z2jhtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

// PublicRepository is where the chart is published.
const PublicRepository = "https://hub.jupyter.org/helm-chart/"

// Version is the chart version the shared data describes.
const Version = "4.4.0"

// Dir returns the directory holding values.schema.json and values.defaults.json,
// found as ../shared/z2jh/<Version> beside the repository, or $TWOI2CHUB_Z2JH_DIR.
func Dir() (string, bool) {
	if d := os.Getenv("TWOI2CHUB_Z2JH_DIR"); d != "" {
		return d, true
	}
	return shared(filepath.Join("z2jh", Version), "values.schema.json")
}

// RepoDir returns ../shared/z2jh/repo, a static chart repository (index.yaml
// and the chart archive) holding the real chart.
func RepoDir() (string, bool) { return shared(filepath.Join("z2jh", "repo"), "index.yaml") }

// shared finds ../shared/<rel> beside the repository, if it holds file.
func shared(rel, file string) (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(d), "shared", rel)
			if _, err := os.Stat(filepath.Join(cand, file)); err == nil {
				return cand, true
			}
			return "", false
		}
	}
	return "", false
}

var archive struct {
	once sync.Once
	data []byte
	err  error
}

// ChartArchive returns the real chart's .tgz: from ../shared/z2jh/repo, else
// downloaded once per test binary from the public repository.
func ChartArchive() ([]byte, error) {
	archive.once.Do(func() {
		if dir, ok := RepoDir(); ok {
			archive.data, archive.err = os.ReadFile(filepath.Join(dir, "jupyterhub-"+Version+".tgz"))
			return
		}
		archive.data, archive.err = download(PublicRepository + "jupyterhub-" + Version + ".tgz")
	})
	return archive.data, archive.err
}

func download(url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// Chart returns the real chart, or skips the test with one line saying why.
func Chart(t testing.TB) *chart.Chart {
	t.Helper()
	data, err := ChartArchive()
	if err != nil {
		t.Skipf("the real zero-to-jupyterhub %s chart is not available: no ../shared/z2jh/repo beside the repository and %s cannot be reached (%v)", Version, PublicRepository, err)
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return ch
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
