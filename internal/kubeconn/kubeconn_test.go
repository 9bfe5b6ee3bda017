package kubeconn

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func env(vals map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vals[k]; return v, ok }
}

func TestWithEnvDefaults(t *testing.T) {
	t.Run("explicit settings win over the environment", func(t *testing.T) {
		s := Settings{Host: "https://explicit", Token: "tok"}.WithEnvDefaults(env(map[string]string{
			EnvHost: "https://from-env", EnvToken: "env-token", EnvClusterCACertificate: "ca",
		}))
		if s.Host != "https://explicit" || s.Token != "tok" {
			t.Errorf("explicit values overridden: %+v", s)
		}
		if s.ClusterCACertificate != "ca" {
			t.Errorf("unset value not taken from env: %q", s.ClusterCACertificate)
		}
	})
	t.Run("KUBE_CONFIG_PATHS is split like KUBECONFIG and wins over KUBE_CONFIG_PATH", func(t *testing.T) {
		s := Settings{}.WithEnvDefaults(env(map[string]string{
			EnvConfigPaths: "/a" + string(os.PathListSeparator) + "/b", EnvConfigPath: "/c",
		}))
		if strings.Join(s.ConfigPaths, ",") != "/a,/b" {
			t.Errorf("ConfigPaths = %v", s.ConfigPaths)
		}
	})
	t.Run("KUBE_INSECURE parses booleans", func(t *testing.T) {
		if !(Settings{}.WithEnvDefaults(env(map[string]string{EnvInsecure: "true"})).Insecure) {
			t.Error("KUBE_INSECURE=true not applied")
		}
		if (Settings{}.WithEnvDefaults(env(map[string]string{EnvInsecure: "nope"})).Insecure) {
			t.Error("unparseable KUBE_INSECURE treated as true")
		}
	})
}

func writeKubeconfig(t *testing.T) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["one"] = &clientcmdapi.Cluster{Server: "https://one.example:6443"}
	cfg.Clusters["two"] = &clientcmdapi.Cluster{Server: "https://two.example:6443"}
	cfg.AuthInfos["alice"] = &clientcmdapi.AuthInfo{Token: "alice-token"}
	cfg.AuthInfos["bob"] = &clientcmdapi.AuthInfo{Token: "bob-token"}
	cfg.Contexts["ctx-one"] = &clientcmdapi.Context{Cluster: "one", AuthInfo: "alice"}
	cfg.Contexts["ctx-two"] = &clientcmdapi.Context{Cluster: "two", AuthInfo: "bob"}
	cfg.CurrentContext = "ctx-one"
	p := filepath.Join(t.TempDir(), "config")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRESTConfig(t *testing.T) {
	kc := writeKubeconfig(t)
	cases := []struct {
		name       string
		settings   Settings
		wantHost   string
		wantToken  string
		wantErrSum string
		wantErrIn  string
	}{
		{name: "nothing configured refuses instead of guessing localhost", settings: Settings{},
			wantErrSum: "No Kubernetes cluster configured", wantErrIn: "KUBE_CONFIG_PATH"},
		{name: "host without scheme gets https", settings: Settings{Host: "10.0.0.5:6443", Token: "t"},
			wantHost: "https://10.0.0.5:6443", wantToken: "t"},
		{name: "current context of a kubeconfig", settings: Settings{ConfigPaths: []string{kc}},
			wantHost: "https://one.example:6443", wantToken: "alice-token"},
		{name: "config_context selects another context", settings: Settings{ConfigPaths: []string{kc}, ConfigContext: "ctx-two"},
			wantHost: "https://two.example:6443", wantToken: "bob-token"},
		{name: "auth info and cluster overrides", settings: Settings{ConfigPaths: []string{kc}, ConfigContextAuthInfo: "bob", ConfigContextCluster: "two"},
			wantHost: "https://two.example:6443", wantToken: "bob-token"},
		{name: "explicit host and token override the kubeconfig", settings: Settings{ConfigPaths: []string{kc}, Host: "https://override:443", Token: "explicit"},
			wantHost: "https://override:443", wantToken: "explicit"},
		{name: "missing kubeconfig file names the path", settings: Settings{ConfigPaths: []string{"/nonexistent/kubeconfig"}},
			wantErrSum: "Kubeconfig file not readable", wantErrIn: "/nonexistent/kubeconfig"},
		{name: "unknown context lists the known ones", settings: Settings{ConfigPaths: []string{kc}, ConfigContext: "prod"},
			wantErrSum: "Kubeconfig context not found", wantErrIn: `"ctx-one", "ctx-two"`},
		{name: "malformed host", settings: Settings{Host: "https://"},
			wantErrSum: "Invalid Kubernetes host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := RESTConfig(tc.settings)
			if tc.wantErrSum != "" {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("want *Error %q, got %v", tc.wantErrSum, err)
				}
				if e.Summary != tc.wantErrSum || !strings.Contains(e.Detail, tc.wantErrIn) {
					t.Fatalf("got %q / %q; want summary %q and detail containing %q", e.Summary, e.Detail, tc.wantErrSum, tc.wantErrIn)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.wantHost || cfg.BearerToken != tc.wantToken {
				t.Errorf("host %q token %q; want %q %q", cfg.Host, cfg.BearerToken, tc.wantHost, tc.wantToken)
			}
			if cfg.QPS != clientQPS || cfg.UserAgent != userAgent {
				t.Errorf("client settings not applied: qps %v agent %q", cfg.QPS, cfg.UserAgent)
			}
		})
	}
}

func TestRESTConfigExec(t *testing.T) {
	cfg, err := RESTConfig(Settings{Host: "https://h", Exec: &ExecSettings{
		APIVersion: "client.authentication.k8s.io/v1beta1", Command: "aws",
		Args: []string{"eks", "get-token"}, Env: map[string]string{"B": "2", "A": "1"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := cfg.ExecProvider
	if e == nil || e.Command != "aws" || strings.Join(e.Args, " ") != "eks get-token" || e.InteractiveMode != clientcmdapi.NeverExecInteractiveMode {
		t.Fatalf("exec provider %+v", e)
	}
	if len(e.Env) != 2 || e.Env[0].Name != "A" || e.Env[1].Value != "2" {
		t.Errorf("env not sorted and kept: %+v", e.Env)
	}
}

// TestConnectionLazy shows a connection with unknown settings builds nothing
// and explains which settings are missing, and one with known settings never
// contacts the server until asked.
func TestConnectionLazy(t *testing.T) {
	c := NewConnection(Settings{}, []string{"kubernetes.token", "kubernetes.host"})
	if !c.Unknown() {
		t.Fatal("Unknown() = false")
	}
	_, err := c.Clientset()
	var e *Error
	if !errors.As(err, &e) || e.Summary != "Kubernetes connection not known yet" || !strings.Contains(e.Detail, "kubernetes.host, kubernetes.token") {
		t.Fatalf("got %v", err)
	}

	hits := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	c = NewConnection(Settings{Host: srv.URL, Insecure: true}, nil)
	if _, err := c.Clientset(); err != nil {
		t.Fatal(err)
	}
	if hits != 0 {
		t.Errorf("building the client made %d requests; want none", hits)
	}
}

func TestExplain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// A port that was free a moment ago: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()

	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsSrv.Close()
	unauthorized := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`))
	}))
	defer unauthorized.Close()
	forbidden := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"nodes is forbidden: User \"x\" cannot list resource \"nodes\"","reason":"Forbidden","code":403}`))
	}))
	defer forbidden.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()

	cases := []struct {
		name, wantSummary, wantDetail string
		settings                      Settings
	}{
		{"connection refused", "Cannot connect to the Kubernetes API server at " + closed, "kubernetes.host", Settings{Host: closed, Token: "t"}},
		{"untrusted certificate", "certificate is not trusted", "cluster_ca_certificate", Settings{Host: tlsSrv.URL, Token: "t"}},
		{"rejected credentials", "rejected the credentials", "401", Settings{Host: unauthorized.URL, Token: "t", Insecure: true}},
		{"forbidden", "Not allowed", `cannot list resource \"nodes\"`, Settings{Host: forbidden.URL, Token: "t", Insecure: true}},
		{"plain HTTP server", "does not speak HTTPS", "HTTPS address", Settings{Host: "https://" + strings.TrimPrefix(plain.URL, "http://"), Token: "t"}},
		{"failing exec plugin", "credential plugin failed", "exec.command", Settings{Host: tlsSrv.URL, Insecure: true, Exec: &ExecSettings{
			APIVersion: "client.authentication.k8s.io/v1", Command: "/nonexistent/auth-plugin"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewConnection(tc.settings, nil)
			cs, err := c.Clientset()
			if err != nil {
				t.Fatal(err)
			}
			_, err = cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err == nil {
				t.Fatal("request succeeded")
			}
			e := Explain(err, c.Host())
			if !strings.Contains(e.Summary, tc.wantSummary) || !strings.Contains(e.Detail, strings.ReplaceAll(tc.wantDetail, `\"`, `"`)) {
				t.Errorf("Explain(%v)\n got summary %q\n detail %q\nwant %q / %q", err, e.Summary, e.Detail, tc.wantSummary, tc.wantDetail)
			}
			if !errors.Is(e, err) {
				t.Error("the explained error does not wrap the original")
			}
		})
	}
}

// TestInClusterConfig: with nothing configured inside a pod, the pod's service
// account is used; outside a pod (or without the token) the error says what to set.
func TestInClusterConfig(t *testing.T) {
	dir := t.TempDir()
	old := ServiceAccountDir
	ServiceAccountDir = dir
	t.Cleanup(func() { ServiceAccountDir = old })
	inPod := env(map[string]string{EnvServiceHost: "10.96.0.1", EnvServicePort: "443"})
	t.Setenv(EnvServiceHost, "10.96.0.1")
	t.Setenv(EnvServicePort, "443")

	s := Settings{}.WithEnvDefaults(inPod)
	if !s.InCluster {
		t.Fatal("inside a pod with nothing configured, InCluster is not set")
	}
	if _, err := RESTConfig(s); err == nil || !strings.Contains(err.Error(), "service account token") {
		t.Fatalf("without a mounted token: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("pod-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := RESTConfig(s)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://10.96.0.1:443" || cfg.BearerTokenFile != filepath.Join(dir, "token") || cfg.CAFile != filepath.Join(dir, "ca.crt") {
		t.Errorf("in-cluster config = host %q token file %q CA %q", cfg.Host, cfg.BearerTokenFile, cfg.CAFile)
	}

	if s := (Settings{Host: "https://explicit"}).WithEnvDefaults(inPod); s.InCluster {
		t.Error("an explicit host is overridden by the in-cluster config")
	}
	if s := (Settings{}).WithEnvDefaults(env(nil)); s.InCluster || !s.Empty() {
		t.Error("outside a pod, nothing configured must stay empty")
	}
}
