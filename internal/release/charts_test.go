package release

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	helmregistry "helm.sh/helm/v3/pkg/registry"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/charttest"
)

// publicRepo serves the test chart from an open repository.
func publicRepo(t *testing.T) (*charttest.Repo, ChartSource) {
	t.Helper()
	r, err := charttest.NewRepo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := r.Add(testChart(t)); err != nil {
		t.Fatal(err)
	}
	return r, ChartSource{Repository: r.URL, Name: "jupyterhub", Version: "4.4.0"}
}

// logged collects what the cache reports.
type logged struct {
	mu    sync.Mutex
	lines []string
}

func (l *logged) ctx() context.Context {
	return WithLog(context.Background(), func(format string, args ...any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, fmt.Sprintf(format, args...))
	})
}

func (l *logged) said(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// cachedArchives lists the files of a chart version's cache directory.
func cachedArchives(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestChartCacheChecksTheIndexDigest: an archive whose SHA-256 is not the
// one index.yaml gives is refused, and nothing is cached.
func TestChartCacheChecksTheIndexDigest(t *testing.T) {
	r, src := publicRepo(t)
	r.SetDigest("jupyterhub", "4.4.0", strings.Repeat("ab", 32))
	dir := t.TempDir()
	_, err := (&ChartCache{Dir: dir}).Load(context.Background(), src)
	if err == nil || !strings.Contains(err.Error(), "but the repository gives "+strings.Repeat("ab", 32)) {
		t.Fatalf("an archive not matching its index digest: %v", err)
	}
	if files := cachedArchives(t, dir); len(files) != 0 {
		t.Errorf("a refused archive was cached: %v", files)
	}
}

// TestChartCacheDropsCorruptEntries: a cached archive that is corrupt, or
// that is not what its digest says, is dropped with a log line and
// downloaded again; the repair is cached.
func TestChartCacheDropsCorruptEntries(t *testing.T) {
	r, src := publicRepo(t)
	dir := t.TempDir()
	if _, err := (&ChartCache{Dir: dir}).Load(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	files := cachedArchives(t, dir)
	if len(files) != 1 || filepath.Base(files[0]) != sha256Hex(mustRead(t, files[0]))+".tgz" {
		t.Fatalf("cache holds %v; want one archive named by its SHA-256", files)
	}
	good := mustRead(t, files[0])
	corruptions := map[string]func(path string){
		"truncated": func(p string) { mustWrite(t, p, good[:len(good)/2]) },
		"replaced under the same name": func(p string) {
			mustWrite(t, p, []byte("not a chart"))
		},
		"a valid-looking entry that is no chart": func(p string) {
			junk := []byte("no chart here")
			_ = os.Remove(p)
			mustWrite(t, filepath.Join(filepath.Dir(p), sha256Hex(junk)+".tgz"), junk)
		},
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			files := cachedArchives(t, dir)
			if len(files) != 1 {
				t.Fatalf("cache holds %v", files)
			}
			corrupt(files[0])
			before := r.ArchiveDownloads()
			var log logged
			c := &ChartCache{Dir: dir} // a new process
			ch, err := c.Load(log.ctx(), src)
			if err != nil || ch.Metadata.Version != "4.4.0" {
				t.Fatalf("loading over a corrupt entry: %v", err)
			}
			if r.ArchiveDownloads() != before+1 || c.Downloads() != 1 {
				t.Errorf("%d downloads after corrupting the cache; want 1", r.ArchiveDownloads()-before)
			}
			if !log.said("chart cache: dropped") || !log.said("downloading it again") {
				t.Errorf("nothing said the entry was dropped: %q", log.lines)
			}
			if files := cachedArchives(t, dir); len(files) != 1 || string(mustRead(t, files[0])) != string(good) {
				t.Errorf("after the repair the cache holds %v", files)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustWrite(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestChartCacheSharedDirectory: caches of several provider processes loading
// the same chart into one directory at once all get the chart; each writes
// through a temporary file of its own, and the directory ends with one
// archive, whole, and no temporary file. Repeated, since a clash of writers
// is a matter of timing.
func TestChartCacheSharedDirectory(t *testing.T) {
	for round := 0; round < 10; round++ {
		r, src := publicRepo(t)
		dir := t.TempDir()
		var caches []*ChartCache
		for i := 0; i < 8; i++ {
			caches = append(caches, &ChartCache{Dir: dir})
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(caches))
		for i := 0; i < 2*len(caches); i++ {
			wg.Add(1)
			go func(c *ChartCache) {
				defer wg.Done()
				ch, err := c.Load(context.Background(), src)
				if err == nil && ch.Metadata.Version != "4.4.0" {
					err = fmt.Errorf("version %s", ch.Metadata.Version)
				}
				errs <- err
			}(caches[i%len(caches)])
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		for _, c := range caches {
			if c.Downloads() > 1 {
				t.Errorf("one cache downloaded %d times", c.Downloads())
			}
			n += c.Downloads()
		}
		if r.ArchiveDownloads() != n {
			t.Errorf("%d downloads counted, %d served", n, r.ArchiveDownloads())
		}
		checkSharedDirectory(t, dir, src)
	}
}

func checkSharedDirectory(t *testing.T, dir string, src ChartSource) {
	t.Helper()
	files := cachedArchives(t, dir)
	if len(files) != 1 || !strings.HasSuffix(files[0], ".tgz") {
		t.Fatalf("the shared directory holds %v; want one archive", files)
	}
	// Another process reads it, whole, without downloading.
	if _, err := loader.LoadArchive(bytes.NewReader(mustRead(t, files[0]))); err != nil {
		t.Fatalf("the cached archive is not whole: %v", err)
	}
	later := &ChartCache{Dir: dir}
	if _, err := later.Load(context.Background(), src); err != nil || later.Downloads() != 0 {
		t.Errorf("a later cache: %v, %d downloads", err, later.Downloads())
	}
}

// TestChartCachePrivateHTTPRepository: basic auth and a CA of the
// repository's own, as the helm provider's repository_username,
// repository_password and repository_ca_file give.
func TestChartCachePrivateHTTPRepository(t *testing.T) {
	r, err := charttest.NewPrivateRepo(charttest.Private{Username: "hub-team", Password: "chart-token-1", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := r.Add(testChart(t)); err != nil {
		t.Fatal(err)
	}
	src := ChartSource{Repository: r.URL, Name: "jupyterhub", Version: "4.4.0"}
	prefix := strings.TrimSuffix(r.URL, "charts/")
	cases := []struct {
		name  string
		creds []RepositoryCredentials
		want  string // part of the error; "" loads
	}{
		{"no CA", []RepositoryCredentials{{URL: prefix, Username: "hub-team", Password: "chart-token-1"}}, "certificate signed by unknown authority"},
		{"no credentials", []RepositoryCredentials{{URL: prefix, CACertificate: r.CACertificate}}, "401 Unauthorized: the repository is private; give its credentials in the provider's chart_repositories"},
		{"wrong password", []RepositoryCredentials{{URL: prefix, Username: "hub-team", Password: "guess", CACertificate: r.CACertificate}}, "refused the credentials of chart_repositories entry " + prefix},
		{"credentials for another repository", []RepositoryCredentials{{URL: prefix + "other/", Username: "hub-team", Password: "chart-token-1", CACertificate: r.CACertificate}}, "certificate signed by unknown authority"},
		{"not known yet", []RepositoryCredentials{{URL: prefix, Unknown: true}}, "are not known yet"},
		{"credentials and CA", []RepositoryCredentials{{URL: "https://elsewhere.example/"}, {URL: prefix, Username: "hub-team", Password: "chart-token-1", CACertificate: r.CACertificate}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &ChartCache{Dir: t.TempDir(), Repositories: tc.creds}
			ch, err := c.Load(context.Background(), src)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("loading with the right credentials: %v", err)
			case tc.want == "" && ch.Metadata.Version != "4.4.0":
				t.Errorf("loaded version %s", ch.Metadata.Version)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v; want it to say %q", err, tc.want)
			}
		})
	}
}

// TestChartCacheCredentialsStayOnTheirHost: an index pointing the archive at
// another host gets no credentials sent there, as Helm does without
// --pass-credentials.
func TestChartCacheCredentialsStayOnTheirHost(t *testing.T) {
	archive, err := charttest.Archive(testChart(t))
	if err != nil {
		t.Fatal(err)
	}
	var leaked []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if h := req.Header.Get("Authorization"); h != "" {
			mu.Lock()
			leaked = append(leaked, h)
			mu.Unlock()
		}
		_, _ = w.Write(archive)
	}))
	defer other.Close()
	index := repo.NewIndexFile()
	ch := testChart(t)
	if err := index.MustAdd(ch.Metadata, other.URL+"/jupyterhub-4.4.0.tgz", "", sha256Hex(archive)); err != nil {
		t.Fatal(err)
	}
	indexData, err := yaml.Marshal(index)
	if err != nil {
		t.Fatal(err)
	}
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if u, p, ok := req.BasicAuth(); !ok || u != "hub-team" || p != "chart-token-1" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write(indexData)
	}))
	defer private.Close()
	c := &ChartCache{Repositories: []RepositoryCredentials{{URL: private.URL, Username: "hub-team", Password: "chart-token-1"}}}
	if _, err := c.Load(context.Background(), ChartSource{Repository: private.URL + "/charts", Name: "jupyterhub", Version: "4.4.0"}); err != nil {
		t.Fatal(err)
	}
	if len(leaked) > 0 {
		t.Errorf("credentials were sent to the archive's other host: %v", leaked)
	}
}

// TestChartCachePrivateOCIRegistry: registry credentials for an oci://
// repository, and the registry's digest checked like an index's.
func TestChartCachePrivateOCIRegistry(t *testing.T) {
	reg := buildtest.NewRegistry(t)
	data, err := charttest.Archive(testChart(t))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := helmregistry.NewClient(helmregistry.ClientOptPlainHTTP(), helmregistry.ClientOptBasicAuth(reg.Username, reg.Password),
		helmregistry.ClientOptWriter(new(strings.Builder)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Push(data, reg.Host+"/charts/jupyterhub:4.4.0"); err != nil {
		t.Fatal(err)
	}
	src := ChartSource{Repository: "oci://" + reg.Host + "/charts", Name: "jupyterhub", Version: "4.4.0"}
	_, err = (&ChartCache{Dir: t.TempDir()}).Load(context.Background(), src)
	if err == nil || !strings.Contains(err.Error(), "give them in the provider's chart_repositories") {
		t.Errorf("pulling from a private registry without credentials: %v", err)
	}
	dir := t.TempDir()
	c := &ChartCache{Dir: dir, Repositories: []RepositoryCredentials{{URL: "oci://" + reg.Host, Username: reg.Username, Password: reg.Password}}}
	ch, err := c.Load(context.Background(), src)
	if err != nil || ch.Metadata.Version != "4.4.0" {
		t.Fatalf("pulling with credentials: %v", err)
	}
	if files := cachedArchives(t, dir); len(files) != 1 || filepath.Base(files[0]) != sha256Hex(data)+".tgz" {
		t.Errorf("cache holds %v; want the archive under its digest %s", files, sha256Hex(data))
	}
}

// TestWriteAtomicallyNeverMixesWriters: processes writing the same cache
// entry at once each write a temporary file of their own, so the entry is
// always one writer's whole content, never a mix (as with a shared
// "<name>.tmp", truncated and rewritten by each).
func TestWriteAtomicallyNeverMixesWriters(t *testing.T) {
	dir := t.TempDir()
	contents := map[string]bool{}
	var writers [][]byte
	for i := 0; i < 6; i++ {
		data := bytes.Repeat([]byte{byte('a' + i)}, (1<<20)+i*4096)
		writers = append(writers, data)
		contents[string(data)] = true
	}
	for round := 0; round < 20; round++ {
		var wg sync.WaitGroup
		for _, data := range writers {
			wg.Add(1)
			go func(data []byte) {
				defer wg.Done()
				if err := writeAtomically(dir, "entry.tgz", data); err != nil {
					t.Error(err)
				}
			}(data)
		}
		wg.Wait()
		if got := mustRead(t, filepath.Join(dir, "entry.tgz")); !contents[string(got)] {
			t.Fatalf("round %d: the entry (%d bytes) is no writer's content", round, len(got))
		}
	}
	if files := cachedArchives(t, dir); len(files) != 1 {
		t.Errorf("temporary files left behind: %v", files)
	}
}
