// Package release installs, upgrades, inspects and removes a hub's Helm
// release through the Helm v3 SDK, and waits for it with reasons. It knows
// nothing about Terraform.
package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

// RepositoryCredentials open private chart repositories: every chart
// repository whose address starts with URL (an https:// or oci:// prefix)
// is reached with them.
type RepositoryCredentials struct {
	URL string
	// Username and Password: HTTP basic auth for HTTP repositories, registry
	// credentials for oci:// ones.
	Username, Password string
	// CACertificate is PEM: CAs trusted for the repository besides the system's.
	CACertificate string
	// Unknown marks credentials that are not known yet (during plan, when they
	// come from a resource created in the same apply).
	Unknown bool
}

// ChartCache loads charts, downloading each repository chart version once:
// kept in memory for the life of the provider process and on disk under Dir
// across runs, so a plan does not download anything it has seen before.
//
// On disk, a chart version is a directory holding archives named by their
// SHA-256: the digest index.yaml (or the OCI registry) gave when it was
// downloaded, checked again whenever it is read, so a corrupt entry is
// dropped and downloaded again. Archives are written to a temporary file
// unique to the process and renamed into place, so processes sharing the
// directory never see each other's partial writes.
type ChartCache struct {
	// Dir is the on-disk cache; empty disables it.
	Dir string
	// HTTPClient fetches from HTTP repositories; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Repositories are credentials for private repositories.
	Repositories []RepositoryCredentials
	// Warnf reports what the cache repaired (a dropped corrupt entry), when
	// the context carries no log of its own (see WithLog).
	Warnf func(ctx context.Context, format string, args ...any)

	mu        sync.Mutex
	loaded    map[ChartSource]*chart.Chart
	inflight  map[ChartSource]*sync.Mutex
	clients   map[string]*http.Client
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

	ch, err := c.load(ctx, src)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.loaded[src] = ch
	c.mu.Unlock()
	return ch, nil
}

// load reads src from the disk cache, or downloads it.
func (c *ChartCache) load(ctx context.Context, src ChartSource) (*chart.Chart, error) {
	if data := c.readCached(ctx, src); data != nil {
		ch, err := parseArchive(src, data)
		if err == nil {
			return ch, nil
		}
		// The digest matches what the repository served, yet it is no chart
		// of this version: download again rather than trust the cache.
		c.warnf(ctx, "chart cache: dropped %s: %v; downloading it again", src, err)
		c.dropCached(src)
	}
	data, digest, err := c.download(ctx, src)
	if err != nil {
		return nil, err
	}
	c.downloads.Add(1)
	ch, err := parseArchive(src, data)
	if err != nil {
		return nil, err
	}
	c.writeCached(ctx, src, data, digest)
	return ch, nil
}

func parseArchive(src ChartSource, data []byte) (*chart.Chart, error) {
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("chart %s is not a valid chart archive: %w", src, err)
	}
	if ch.Metadata.Version != src.Version {
		return nil, fmt.Errorf("chart %s: the archive holds version %s", src, ch.Metadata.Version)
	}
	return ch, nil
}

func (c *ChartCache) warnf(ctx context.Context, format string, args ...any) {
	if f, ok := ctx.Value(logKey{}).(func(string, ...any)); ok {
		f(format, args...)
		return
	}
	if c.Warnf != nil {
		c.Warnf(ctx, format, args...)
	}
}

// cacheDir is the directory holding src's archives on disk.
func (c *ChartCache) cacheDir(src ChartSource) string {
	if c.Dir == "" {
		return ""
	}
	key := sha256.Sum256([]byte(strings.TrimSuffix(src.Repository, "/")))
	return filepath.Join(c.Dir, hex.EncodeToString(key[:8]), src.Name+"-"+src.Version)
}

// archiveName is a cached archive's file name: its SHA-256 in hex.
var archiveName = regexp.MustCompile(`^([0-9a-f]{64})\.tgz$`)

// readCached returns a cached archive of src whose content matches the digest
// it is filed under; entries that do not match are removed.
func (c *ChartCache) readCached(ctx context.Context, src ChartSource) []byte {
	dir := c.cacheDir(src)
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	// Newest first: a repository that republished a version wins.
	sort.Slice(entries, func(i, j int) bool { return modTime(entries[i]).After(modTime(entries[j])) })
	for _, e := range entries {
		m := archiveName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if got := sha256Hex(data); got != m[1] {
			c.warnf(ctx, "chart cache: dropped %s: its SHA-256 is %s, not the %s the repository gave; downloading it again", p, got, m[1])
			_ = os.Remove(p)
			continue
		}
		return data
	}
	return nil
}

func modTime(e os.DirEntry) time.Time {
	if info, err := e.Info(); err == nil {
		return info.ModTime()
	}
	return time.Time{}
}

func (c *ChartCache) dropCached(src ChartSource) {
	if dir := c.cacheDir(src); dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// writeCached files data under its digest. Best effort: a read-only cache
// only costs a download next time.
func (c *ChartCache) writeCached(ctx context.Context, src ChartSource, data []byte, digest string) {
	dir := c.cacheDir(src)
	if dir == "" {
		return
	}
	if err := writeAtomically(dir, digest+".tgz", data); err != nil {
		c.warnf(ctx, "chart cache: cannot keep %s in %s: %v", src, dir, err)
	}
}

// writeAtomically writes data to dir/name through a temporary file unique to
// this write, renamed into place.
func writeAtomically(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// Preload stores a chart archive as if it had been downloaded from src, for
// machines that cannot reach the repository (air-gapped clusters, tests).
func (c *ChartCache) Preload(src ChartSource, archive []byte) error {
	dir := c.cacheDir(src)
	if dir == "" {
		return fmt.Errorf("chart cache has no directory")
	}
	return writeAtomically(dir, sha256Hex(archive)+".tgz", archive)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// credentials returns the credentials whose URL is the longest prefix of
// repository, or nil.
func (c *ChartCache) credentials(repository string) *RepositoryCredentials {
	var best *RepositoryCredentials
	for i := range c.Repositories {
		r := &c.Repositories[i]
		if strings.HasPrefix(repository, r.URL) && (best == nil || len(r.URL) > len(best.URL)) {
			best = r
		}
	}
	return best
}

// download fetches src's archive and checks it against the digest its
// repository publishes; it returns the archive and its SHA-256 in hex.
func (c *ChartCache) download(ctx context.Context, src ChartSource) ([]byte, string, error) {
	creds := c.credentials(src.Repository)
	if creds != nil && creds.Unknown {
		return nil, "", fmt.Errorf("the provider's chart_repositories credentials for %s are not known yet (they come from a resource "+
			"not created yet): create that resource first, or take them from a data source or variable", creds.URL)
	}
	client, err := c.clientFor(creds)
	if err != nil {
		return nil, "", err
	}
	var data []byte
	var want string
	if strings.HasPrefix(src.Repository, "oci://") {
		data, want, err = c.pullOCI(src, client, creds)
	} else {
		data, want, err = c.fetchHTTP(ctx, src, client, creds)
	}
	if err != nil {
		return nil, "", err
	}
	got := sha256Hex(data)
	if want != "" && got != want {
		return nil, "", fmt.Errorf("chart %s: the downloaded archive's SHA-256 is %s, but the repository gives %s: "+
			"the download was corrupted or the archive was replaced; try again, and tell the repository's maintainers if it persists", src, got, want)
	}
	return data, got, nil
}

// clientFor is the HTTP client for a repository: the cache's own, or one that
// also trusts the repository's CA.
func (c *ChartCache) clientFor(creds *RepositoryCredentials) (*http.Client, error) {
	base := c.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	if creds == nil || creds.CACertificate == "" {
		return base, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.clients[creds.URL]; ok {
		return client, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM([]byte(creds.CACertificate)) {
		return nil, fmt.Errorf("the ca_certificate for %s holds no PEM certificate", creds.URL)
	}
	transport, ok := base.Transport.(*http.Transport)
	if !ok || transport == nil {
		transport = http.DefaultTransport.(*http.Transport)
	}
	transport = transport.Clone()
	if transport.TLSClientConfig == nil {
		transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	transport.TLSClientConfig.RootCAs = pool
	client := *base
	client.Transport = transport
	if c.clients == nil {
		c.clients = map[string]*http.Client{}
	}
	c.clients[creds.URL] = &client
	return &client, nil
}

// get fetches u, with basic auth when the credentials belong to its host.
func (c *ChartCache) get(ctx context.Context, client *http.Client, creds *RepositoryCredentials, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if creds != nil && creds.Username != "" && sameHost(creds.URL, u) {
		// As Helm without --pass-credentials: never to another host.
		req.SetBasicAuth(creds.Username, creds.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
		return io.ReadAll(resp.Body)
	case (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && (creds == nil || creds.Username == ""):
		return nil, fmt.Errorf("GET %s: %s: the repository is private; give its credentials in the provider's chart_repositories "+
			"(url = a prefix of the repository's address, username and password)", u, resp.Status)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("GET %s: %s: the repository refused the credentials of chart_repositories entry %s", u, resp.Status, creds.URL)
	default:
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
}

func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Scheme == ub.Scheme && ua.Host == ub.Host
}

func (c *ChartCache) fetchHTTP(ctx context.Context, src ChartSource, client *http.Client, creds *RepositoryCredentials) ([]byte, string, error) {
	base := strings.TrimSuffix(src.Repository, "/") + "/"
	indexData, err := c.get(ctx, client, creds, base+"index.yaml")
	if err != nil {
		return nil, "", fmt.Errorf("reading the chart repository %s: %w", src.Repository, err)
	}
	var index repo.IndexFile
	if err := yaml.Unmarshal(indexData, &index); err != nil {
		return nil, "", fmt.Errorf("chart repository %s: index.yaml is not valid: %w", src.Repository, err)
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
		return nil, "", fmt.Errorf("chart repository %s has no %s version %s (it has %d versions; newest first: %s)",
			src.Repository, src.Name, src.Version, len(versions), strings.Join(firstN(versions, 5), ", "))
	}
	u, err := url.Parse(found.URLs[0])
	if err != nil {
		return nil, "", err
	}
	b, _ := url.Parse(base)
	data, err := c.get(ctx, client, creds, b.ResolveReference(u).String())
	if err != nil {
		return nil, "", err
	}
	return data, strings.ToLower(strings.TrimPrefix(found.Digest, "sha256:")), nil
}

func (c *ChartCache) pullOCI(src ChartSource, client *http.Client, creds *RepositoryCredentials) ([]byte, string, error) {
	ref := strings.TrimPrefix(strings.TrimSuffix(src.Repository, "/"), "oci://") + "/" + src.Name + ":" + src.Version
	opts := []registry.ClientOption{registry.ClientOptHTTPClient(client), registry.ClientOptWriter(io.Discard)}
	if isLoopback(ref) {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	if creds != nil && creds.Username != "" {
		opts = append(opts, registry.ClientOptBasicAuth(creds.Username, creds.Password))
	}
	rc, err := registry.NewClient(opts...)
	if err != nil {
		return nil, "", err
	}
	res, err := rc.Pull(ref, registry.PullOptWithChart(true))
	if err != nil {
		hint, msg := "", strings.ToLower(err.Error())
		if (creds == nil || creds.Username == "") && (strings.Contains(msg, "401") || strings.Contains(msg, "unauthorized") || strings.Contains(msg, "credential")) {
			hint = ": the registry wants credentials; give them in the provider's chart_repositories (url = a prefix of the repository's address, username and password)"
		}
		return nil, "", fmt.Errorf("pulling chart %s: %w%s", ref, err, hint)
	}
	return res.Chart.Data, strings.TrimPrefix(res.Chart.Digest, "sha256:"), nil
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
