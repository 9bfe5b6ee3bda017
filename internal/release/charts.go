// Package release installs, upgrades, inspects and removes a hub's Helm
// release through the Helm v3 SDK, and waits for it with reasons. It knows
// nothing about Terraform.
package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/registry"
	"helm.sh/helm/v3/pkg/repo"
	"sigs.k8s.io/yaml"
)

// ChartSource says where a chart comes from: a local Path, or Name at Version
// in Repository (an HTTP chart repository or an oci:// registry path).
type ChartSource struct {
	Repository string
	Name       string
	Version    string
	Path       string
}

func (s ChartSource) String() string {
	if s.Path != "" {
		return s.Path
	}
	if strings.HasPrefix(s.Repository, "oci://") {
		return strings.TrimSuffix(s.Repository, "/") + "/" + s.Name + ":" + s.Version
	}
	return s.Name + " " + s.Version + " from " + s.Repository
}

// ChartCache loads charts, downloading each repository chart version once:
// kept in memory for the life of the provider process and on disk under Dir
// across runs, so a plan does not download anything it has seen before.
type ChartCache struct {
	// Dir is the on-disk cache; empty disables it.
	Dir string
	// HTTPClient fetches from HTTP repositories; nil means http.DefaultClient.
	HTTPClient *http.Client

	mu        sync.Mutex
	loaded    map[ChartSource]*chart.Chart
	inflight  map[ChartSource]*sync.Mutex
	downloads atomic.Int64
}

// DefaultCacheDir is where charts are kept between runs:
// $TWOI2CHUB_CACHE_DIR, else the user cache directory.
func DefaultCacheDir() string {
	if d := os.Getenv("TWOI2CHUB_CACHE_DIR"); d != "" {
		return filepath.Join(d, "charts")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "twoi2chub", "charts")
	}
	return ""
}

// Downloads counts chart archives fetched from repositories by this cache.
func (c *ChartCache) Downloads() int64 { return c.downloads.Load() }

// Load returns the chart for src.
func (c *ChartCache) Load(ctx context.Context, src ChartSource) (*chart.Chart, error) {
	if src.Path != "" {
		ch, err := loader.Load(src.Path)
		if err != nil {
			return nil, fmt.Errorf("loading chart from %s: %w", src.Path, err)
		}
		return ch, nil
	}
	c.mu.Lock()
	if c.loaded == nil {
		c.loaded, c.inflight = map[ChartSource]*chart.Chart{}, map[ChartSource]*sync.Mutex{}
	}
	if ch, ok := c.loaded[src]; ok {
		c.mu.Unlock()
		return ch, nil
	}
	lock, ok := c.inflight[src]
	if !ok {
		lock = &sync.Mutex{}
		c.inflight[src] = lock
	}
	c.mu.Unlock()

	// One fetch per source even when many hubs plan at once.
	lock.Lock()
	defer lock.Unlock()
	c.mu.Lock()
	if ch, ok := c.loaded[src]; ok {
		c.mu.Unlock()
		return ch, nil
	}
	c.mu.Unlock()

	data, err := c.archive(ctx, src)
	if err != nil {
		return nil, err
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("chart %s is not a valid chart archive: %w", src, err)
	}
	if ch.Metadata.Version != src.Version {
		return nil, fmt.Errorf("chart %s: the archive holds version %s", src, ch.Metadata.Version)
	}
	c.mu.Lock()
	c.loaded[src] = ch
	c.mu.Unlock()
	return ch, nil
}

// cachePath is where src's archive is kept on disk.
func (c *ChartCache) cachePath(src ChartSource) string {
	if c.Dir == "" {
		return ""
	}
	key := sha256.Sum256([]byte(strings.TrimSuffix(src.Repository, "/")))
	return filepath.Join(c.Dir, hex.EncodeToString(key[:8]), src.Name+"-"+src.Version+".tgz")
}

// Preload stores a chart archive as if it had been downloaded from src, for
// machines that cannot reach the repository (air-gapped clusters, tests).
func (c *ChartCache) Preload(src ChartSource, archive []byte) error {
	p := c.cachePath(src)
	if p == "" {
		return fmt.Errorf("chart cache has no directory")
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, archive, 0o644)
}

// archive returns the chart's .tgz bytes, from disk when cached.
func (c *ChartCache) archive(ctx context.Context, src ChartSource) ([]byte, error) {
	cached := c.cachePath(src)
	if cached != "" {
		if data, err := os.ReadFile(cached); err == nil {
			return data, nil
		}
	}
	var data []byte
	var err error
	if strings.HasPrefix(src.Repository, "oci://") {
		data, err = c.pullOCI(src)
	} else {
		data, err = c.fetchHTTP(ctx, src)
	}
	if err != nil {
		return nil, err
	}
	c.downloads.Add(1)
	if cached != "" {
		// Best effort: a read-only cache only costs a download next time.
		if os.MkdirAll(filepath.Dir(cached), 0o755) == nil {
			tmp := cached + ".tmp"
			if os.WriteFile(tmp, data, 0o644) == nil {
				_ = os.Rename(tmp, cached)
			}
		}
	}
	return data, nil
}

func (c *ChartCache) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

func (c *ChartCache) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func (c *ChartCache) fetchHTTP(ctx context.Context, src ChartSource) ([]byte, error) {
	base := strings.TrimSuffix(src.Repository, "/") + "/"
	indexData, err := c.get(ctx, base+"index.yaml")
	if err != nil {
		return nil, fmt.Errorf("reading the chart repository %s: %w", src.Repository, err)
	}
	var index repo.IndexFile
	if err := yaml.Unmarshal(indexData, &index); err != nil {
		return nil, fmt.Errorf("chart repository %s: index.yaml is not valid: %w", src.Repository, err)
	}
	var found *repo.ChartVersion
	var versions []string
	for _, v := range index.Entries[src.Name] {
		versions = append(versions, v.Version)
		if v.Version == src.Version {
			found = v
		}
	}
	if found == nil || len(found.URLs) == 0 {
		return nil, fmt.Errorf("chart repository %s has no %s version %s (it has %d versions; newest first: %s)",
			src.Repository, src.Name, src.Version, len(versions), strings.Join(firstN(versions, 5), ", "))
	}
	u, err := url.Parse(found.URLs[0])
	if err != nil {
		return nil, err
	}
	b, _ := url.Parse(base)
	return c.get(ctx, b.ResolveReference(u).String())
}

func (c *ChartCache) pullOCI(src ChartSource) ([]byte, error) {
	ref := strings.TrimPrefix(strings.TrimSuffix(src.Repository, "/"), "oci://") + "/" + src.Name + ":" + src.Version
	opts := []registry.ClientOption{registry.ClientOptHTTPClient(c.client())}
	if isLoopback(ref) {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	rc, err := registry.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	res, err := rc.Pull(ref, registry.PullOptWithChart(true))
	if err != nil {
		return nil, fmt.Errorf("pulling chart %s: %w", ref, err)
	}
	return res.Chart.Data, nil
}

// isLoopback says whether an OCI reference points at this machine, where
// registries commonly serve plain HTTP (as Docker assumes for localhost).
func isLoopback(ref string) bool {
	host := ref
	if i := strings.Index(host, "/"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
