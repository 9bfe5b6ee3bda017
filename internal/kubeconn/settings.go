// Package kubeconn turns the provider's `kubernetes` block into a Kubernetes
// client, lazily, and turns connection failures into messages a person can act on.
//
// It knows nothing about Terraform: the provider fills a Settings from its
// configuration and environment, and resources ask a Connection for a client
// only when they need one, so a plan whose cluster does not exist yet succeeds.
package kubeconn

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Settings mirrors the `kubernetes` block of the hashicorp/kubernetes and
// hashicorp/helm providers, so cluster module outputs plug straight in.
type Settings struct {
	Host                  string
	Username              string
	Password              string
	Token                 string
	Insecure              bool
	TLSServerName         string
	ClientCertificate     string
	ClientKey             string
	ClusterCACertificate  string
	ConfigPaths           []string
	ConfigContext         string
	ConfigContextAuthInfo string
	ConfigContextCluster  string
	ProxyURL              string
	Exec                  *ExecSettings
	// InCluster is set by WithEnvDefaults when nothing else names a cluster
	// and the process runs in a pod (KUBERNETES_SERVICE_HOST and _PORT set):
	// the pod's service account is used, as client-go's in-cluster config does.
	InCluster bool
}

// ExecSettings configures a client-go credential plugin (for example
// `gke-gcloud-auth-plugin`, `aws eks get-token` or `kubelogin`).
type ExecSettings struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// Environment variables read when the matching attribute is not set. The names
// are those of the hashicorp/kubernetes and hashicorp/helm providers.
const (
	EnvHost                  = "KUBE_HOST"
	EnvUsername              = "KUBE_USER"
	EnvPassword              = "KUBE_PASSWORD"
	EnvToken                 = "KUBE_TOKEN"
	EnvInsecure              = "KUBE_INSECURE"
	EnvTLSServerName         = "KUBE_TLS_SERVER_NAME"
	EnvClientCertificate     = "KUBE_CLIENT_CERT_DATA"
	EnvClientKey             = "KUBE_CLIENT_KEY_DATA"
	EnvClusterCACertificate  = "KUBE_CLUSTER_CA_CERT_DATA"
	EnvConfigPath            = "KUBE_CONFIG_PATH"
	EnvConfigPaths           = "KUBE_CONFIG_PATHS"
	EnvConfigContext         = "KUBE_CTX"
	EnvConfigContextAuthInfo = "KUBE_CTX_AUTH_INFO"
	EnvConfigContextCluster  = "KUBE_CTX_CLUSTER"
	EnvProxyURL              = "KUBE_PROXY_URL"
	// Set by Kubernetes in every pod; they select the in-cluster config.
	EnvServiceHost = "KUBERNETES_SERVICE_HOST"
	EnvServicePort = "KUBERNETES_SERVICE_PORT"
)

// WithEnvDefaults returns s with every unset field taken from the environment,
// looked up through lookup (os.LookupEnv in production). Explicit settings win.
func (s Settings) WithEnvDefaults(lookup func(string) (string, bool)) Settings {
	str := func(field *string, env string) {
		if *field == "" {
			if v, ok := lookup(env); ok {
				*field = v
			}
		}
	}
	str(&s.Host, EnvHost)
	str(&s.Username, EnvUsername)
	str(&s.Password, EnvPassword)
	str(&s.Token, EnvToken)
	str(&s.TLSServerName, EnvTLSServerName)
	str(&s.ClientCertificate, EnvClientCertificate)
	str(&s.ClientKey, EnvClientKey)
	str(&s.ClusterCACertificate, EnvClusterCACertificate)
	str(&s.ConfigContext, EnvConfigContext)
	str(&s.ConfigContextAuthInfo, EnvConfigContextAuthInfo)
	str(&s.ConfigContextCluster, EnvConfigContextCluster)
	str(&s.ProxyURL, EnvProxyURL)
	if !s.Insecure {
		if v, ok := lookup(EnvInsecure); ok {
			s.Insecure, _ = strconv.ParseBool(v)
		}
	}
	if len(s.ConfigPaths) == 0 {
		if v, ok := lookup(EnvConfigPaths); ok && v != "" {
			s.ConfigPaths = filepath.SplitList(v)
		} else if v, ok := lookup(EnvConfigPath); ok && v != "" {
			s.ConfigPaths = []string{v}
		}
	}
	if s.Empty() {
		_, host := lookup(EnvServiceHost)
		_, port := lookup(EnvServicePort)
		s.InCluster = host && port
	}
	return s
}

// Empty reports whether nothing at all says which cluster to use. client-go
// would then silently try http://localhost:80; we refuse instead.
func (s Settings) Empty() bool {
	return s.Host == "" && len(s.ConfigPaths) == 0 && !s.InCluster
}

// expandHome resolves a leading "~/" the way kubectl users expect.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
	}
	return p
}
