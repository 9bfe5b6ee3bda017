// Package charttest packages the z2jh-shaped test chart in testdata/ and
// serves chart repositories on loopback for tests, the demo and benchmarks.
package charttest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// ChartDir is the test chart's directory, found above the working directory.
func ChartDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "testdata", "charts", "jupyterhub"), nil
		}
	}
	return "", fmt.Errorf("no go.mod above %s", wd)
}

// Load reads the test chart, sets its version, and adds schema (the real
// chart's values.schema.json) when given.
func Load(version string, schema []byte) (*chart.Chart, error) {
	dir, err := ChartDir()
	if err != nil {
		return nil, err
	}
	ch, err := loader.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	ch.Metadata.Version = version
	if schema != nil {
		ch.Schema = schema
	}
	return ch, nil
}

// Archive packages a chart as a .tgz, as `helm package` does.
func Archive(ch *chart.Chart) ([]byte, error) {
	dir, err := os.MkdirTemp("", "charttest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path, err := chartutil.Save(ch, dir)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// Repo is an HTTP chart repository on loopback that counts what it serves.
type Repo struct {
	URL      string
	server   *http.Server
	listener net.Listener

	mu       sync.Mutex
	files    map[string][]byte
	index    *repo.IndexFile
	archives atomic.Int64
	indexes  atomic.Int64
}

// NewRepo starts an empty repository.
func NewRepo() (*Repo, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Repo{URL: "http://" + l.Addr().String() + "/charts/", listener: l, files: map[string][]byte{}, index: repo.NewIndexFile()}
	r.server = &http.Server{Handler: http.HandlerFunc(r.serve)}
	go func() { _ = r.server.Serve(l) }()
	return r, nil
}

// ServeDir starts a repository serving a static chart repository folder
// (index.yaml and the archives it names), counting downloads like NewRepo.
func ServeDir(dir string) (*Repo, error) {
	data, err := os.ReadFile(filepath.Join(dir, "index.yaml"))
	if err != nil {
		return nil, err
	}
	index := repo.NewIndexFile()
	if err := yaml.Unmarshal(data, index); err != nil {
		return nil, fmt.Errorf("%s/index.yaml: %w", dir, err)
	}
	r, err := NewRepo()
	if err != nil {
		return nil, err
	}
	r.index = index
	for _, versions := range index.Entries {
		for _, v := range versions {
			for _, u := range v.URLs {
				if strings.Contains(u, "://") {
					continue
				}
				archive, err := os.ReadFile(filepath.Join(dir, u))
				if err != nil {
					r.Close()
					return nil, err
				}
				r.files[u] = archive
			}
		}
	}
	return r, nil
}

// Add publishes a chart in the repository.
func (r *Repo) Add(ch *chart.Chart) error {
	data, err := Archive(ch)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s.tgz", ch.Metadata.Name, ch.Metadata.Version)
	sum := sha256.Sum256(data)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[name] = data
	return r.index.MustAdd(ch.Metadata, name, "", hex.EncodeToString(sum[:]))
}

func (r *Repo) serve(w http.ResponseWriter, req *http.Request) {
	name := strings.TrimPrefix(req.URL.Path, "/charts/")
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "index.yaml" {
		r.indexes.Add(1)
		r.index.SortEntries()
		data, err := yaml.Marshal(r.index)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_, _ = w.Write(data)
		return
	}
	data, ok := r.files[name]
	if !ok {
		http.NotFound(w, req)
		return
	}
	r.archives.Add(1)
	_, _ = w.Write(data)
}

// ArchiveDownloads counts chart archives served.
func (r *Repo) ArchiveDownloads() int64 { return r.archives.Load() }

// IndexDownloads counts index.yaml requests served.
func (r *Repo) IndexDownloads() int64 { return r.indexes.Load() }

// Close stops the server.
func (r *Repo) Close() { _ = r.server.Close() }

// SupportRepoDir returns ../shared/charts/repo beside the repository: a
// static chart repository of the real cluster support charts
// (ingress-nginx, cert-manager, prometheus, grafana, cluster-autoscaler).
func SupportRepoDir() (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(d), "shared", "charts", "repo")
			if _, err := os.Stat(filepath.Join(dir, "index.yaml")); err != nil {
				return "", false
			}
			return dir, true
		}
	}
	return "", false
}
