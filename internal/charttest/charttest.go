// Package charttest packages the z2jh-shaped test chart in testdata/ and
// serves chart repositories on loopback for tests, the demo and benchmarks.
package charttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

	// Private repositories (NewPrivateRepo).
	CACertificate string
	tlsServer     *httptest.Server
	refused       atomic.Int64
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

// Private says how a private repository (NewPrivateRepo) guards itself.
type Private struct {
	// Username and Password, when set, are required as HTTP basic auth.
	Username, Password string
	// TLS serves https with a certificate from a CA of the test's own.
	TLS bool
}

// NewPrivateRepo starts an empty repository that wants credentials, serves
// https, or both. CACertificate is the PEM of its CA when it serves https.
func NewPrivateRepo(p Private) (*Repo, error) {
	r := &Repo{files: map[string][]byte{}, index: repo.NewIndexFile()}
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if p.Username != "" {
			if u, pw, ok := req.BasicAuth(); !ok || u != p.Username || pw != p.Password {
				r.refused.Add(1)
				w.Header().Set("WWW-Authenticate", `Basic realm="charts"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		r.serve(w, req)
	})
	srv := httptest.NewUnstartedServer(handler)
	if p.TLS {
		// A CA of its own: httptest's built-in certificate is the same for
		// every test server, and may already be trusted (SSL_CERT_FILE).
		caPEM, cert, err := newServingCertificate()
		if err != nil {
			return nil, err
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		srv.StartTLS()
		r.CACertificate = string(caPEM)
	} else {
		srv.Start()
	}
	r.URL, r.tlsServer = srv.URL+"/charts/", srv
	return r, nil
}

// newServingCertificate makes a CA and a certificate it signs for 127.0.0.1.
func newServingCertificate() (caPEM []byte, cert tls.Certificate, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "charttest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, cert, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	cert = tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), cert, nil
}

// Refused counts requests turned away for lacking the right credentials.
func (r *Repo) Refused() int64 { return r.refused.Load() }

// SetDigest makes index.yaml publish digest for a chart version (a wrong one
// plays a corrupted download or a replaced archive).
func (r *Repo) SetDigest(name, version, digest string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.index.Entries[name] {
		if v.Version == version {
			v.Digest = digest
		}
	}
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
func (r *Repo) Close() {
	if r.tlsServer != nil {
		r.tlsServer.Close()
		return
	}
	_ = r.server.Close()
}

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
