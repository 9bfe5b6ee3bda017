package kubeconn

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Client-side rate limits. client-go's defaults (5 QPS, burst 10) would throttle
// a refresh of many hubs; the provider's own request count is what we keep low.
const (
	clientQPS   = 50
	clientBurst = 100
	userAgent   = "terraform-provider-twoi2chub"
)

// RESTConfig builds a client configuration from s. Explicit attributes override
// the matching parts of a kubeconfig, as in the kubernetes and helm providers.
// It reads kubeconfig files but does not contact the cluster.
func RESTConfig(s Settings) (*rest.Config, error) {
	if s.Empty() {
		return nil, &Error{
			Summary: "No Kubernetes cluster configured",
			Detail: "The provider needs to know which cluster to use. Set `host` (with `cluster_ca_certificate` and " +
				"`token`, `exec` or a client certificate) or `config_path` in the provider's `kubernetes` attribute, or the " +
				"KUBE_HOST or KUBE_CONFIG_PATH environment variable (inside a pod, its service account is used).",
		}
	}

	var cfg *rest.Config
	if s.InCluster && s.Host == "" && len(s.ConfigPaths) == 0 {
		inCluster, err := inClusterConfig(os.Getenv)
		if err != nil {
			return nil, err
		}
		cfg = inCluster
	} else if len(s.ConfigPaths) > 0 {
		loaded, err := fromKubeconfig(s)
		if err != nil {
			return nil, err
		}
		cfg = loaded
	} else {
		cfg = &rest.Config{Host: s.Host}
	}
	if err := applyExplicit(cfg, s); err != nil {
		return nil, err
	}
	if cfg.Host == "" {
		return nil, &Error{
			Summary: "Kubernetes API server address missing",
			Detail:  "The kubeconfig context in use names no server. Set `host` in the provider's `kubernetes` block or fix the kubeconfig.",
		}
	}
	cfg.QPS, cfg.Burst = clientQPS, clientBurst
	cfg.UserAgent = userAgent
	return cfg, nil
}

func fromKubeconfig(s Settings) (*rest.Config, error) {
	paths := make([]string, 0, len(s.ConfigPaths))
	for _, p := range s.ConfigPaths {
		p = expandHome(p)
		if _, err := os.Stat(p); err != nil {
			return nil, &Error{
				Summary: "Kubeconfig file not readable",
				Detail: fmt.Sprintf("`config_path` names %q, which cannot be read: %v. Point `config_path` (or KUBE_CONFIG_PATH) "+
					"at an existing kubeconfig, or set `host` and credentials instead.", p, err),
			}
		}
		paths = append(paths, p)
	}
	rules := &clientcmd.ClientConfigLoadingRules{Precedence: paths}
	overrides := &clientcmd.ConfigOverrides{
		CurrentContext: s.ConfigContext,
		Context: clientcmdapi.Context{
			AuthInfo: s.ConfigContextAuthInfo,
			Cluster:  s.ConfigContextCluster,
		},
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	raw, err := loader.RawConfig()
	if err != nil {
		return nil, &Error{Summary: "Kubeconfig not valid", Detail: fmt.Sprintf("Reading %s: %v", strings.Join(paths, ", "), err)}
	}
	if s.ConfigContext != "" {
		if _, ok := raw.Contexts[s.ConfigContext]; !ok {
			return nil, &Error{
				Summary: "Kubeconfig context not found",
				Detail: fmt.Sprintf("`config_context` is %q, but %s defines only these contexts: %s. Use one of them.",
					s.ConfigContext, strings.Join(paths, ", "), contextNames(raw)),
			}
		}
	}
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, &Error{
			Summary: "Kubeconfig not usable",
			Detail: fmt.Sprintf("Reading %s (context %q): %v. Check `config_context`, `config_context_cluster` and "+
				"`config_context_auth_info`.", strings.Join(paths, ", "), raw.CurrentContext, err),
		}
	}
	return cfg, nil
}

func contextNames(c clientcmdapi.Config) string {
	names := make([]string, 0, len(c.Contexts))
	for n := range c.Contexts {
		names = append(names, fmt.Sprintf("%q", n))
	}
	if len(names) == 0 {
		return "(none)"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// applyExplicit lays the block's explicit attributes over cfg.
func applyExplicit(cfg *rest.Config, s Settings) error {
	if s.Host != "" {
		host, err := normalizeHost(s.Host)
		if err != nil {
			return err
		}
		cfg.Host = host
	}
	if s.Username != "" {
		cfg.Username = s.Username
	}
	if s.Password != "" {
		cfg.Password = s.Password
	}
	if s.Token != "" {
		cfg.BearerToken = s.Token
		cfg.BearerTokenFile = ""
	}
	if s.Insecure {
		cfg.Insecure = true
		cfg.CAData, cfg.CAFile = nil, ""
	}
	if s.TLSServerName != "" {
		cfg.ServerName = s.TLSServerName
	}
	if s.ClusterCACertificate != "" {
		cfg.CAData, cfg.CAFile = []byte(s.ClusterCACertificate), ""
	}
	if s.ClientCertificate != "" {
		cfg.CertData, cfg.CertFile = []byte(s.ClientCertificate), ""
	}
	if s.ClientKey != "" {
		cfg.KeyData, cfg.KeyFile = []byte(s.ClientKey), ""
	}
	if s.ProxyURL != "" {
		u, err := url.Parse(s.ProxyURL)
		if err != nil {
			return &Error{Summary: "Invalid proxy_url", Detail: fmt.Sprintf("%q is not a URL: %v", s.ProxyURL, err)}
		}
		cfg.Proxy = http.ProxyURL(u)
	}
	if s.Exec != nil {
		env := make([]clientcmdapi.ExecEnvVar, 0, len(s.Exec.Env))
		for k, v := range s.Exec.Env {
			env = append(env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
		}
		sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })
		cfg.ExecProvider = &clientcmdapi.ExecConfig{
			APIVersion:      s.Exec.APIVersion,
			Command:         s.Exec.Command,
			Args:            s.Exec.Args,
			Env:             env,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		cfg.AuthProvider = nil
	}
	return nil
}

// normalizeHost accepts "https://host:port", "host:port" or "host", as kubectl does.
func normalizeHost(h string) (string, error) {
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	u, err := url.Parse(h)
	if err != nil || u.Host == "" {
		return "", &Error{
			Summary: "Invalid Kubernetes host",
			Detail:  fmt.Sprintf("`host` is %q, which is not a URL. Write it as https://<address>[:port], as in a cluster module's endpoint output.", h),
		}
	}
	return u.String(), nil
}

// ServiceAccountDir is where Kubernetes mounts a pod's service account
// credentials; a variable so tests can point it elsewhere.
var ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// inClusterConfig is client-go's in-cluster configuration with an error a
// person can act on when the service account is not mounted.
func inClusterConfig(getenv func(string) string) (*rest.Config, error) {
	tokenFile := filepath.Join(ServiceAccountDir, "token")
	if _, err := os.Stat(tokenFile); err != nil {
		return nil, &Error{
			Summary: "No Kubernetes cluster configured",
			Detail: fmt.Sprintf("%s is set, so this looks like a pod, but its service account token %s cannot be read (%v). "+
				"Mount the service account (automountServiceAccountToken) or set `host` or `config_path` in the provider's `kubernetes` attribute.",
				EnvServiceHost, tokenFile, err),
		}
	}
	host := net.JoinHostPort(getenv(EnvServiceHost), getenv(EnvServicePort))
	return &rest.Config{
		Host:            "https://" + host,
		BearerTokenFile: tokenFile,
		TLSClientConfig: rest.TLSClientConfig{CAFile: filepath.Join(ServiceAccountDir, "ca.crt")},
	}, nil
}
