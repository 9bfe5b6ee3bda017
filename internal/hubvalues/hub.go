// Package hubvalues turns a hub's typed settings into zero-to-jupyterhub (z2jh)
// chart values and back.
//
// Render is the forward direction: typed settings to values, recording which
// attribute produced each key so that a schema error can be reported at the
// attribute a person wrote. Parse is the inverse, used for import and drift:
// values to typed settings plus a residual that no typed setting covers (it
// becomes extra_values), such that rendering the result gives the values back.
//
// The package knows nothing about Terraform or Kubernetes clients.
package hubvalues

// Hub is what a community configures about its hub. Nil pointers and empty
// slices mean "not set": nothing is rendered for them and the chart's default
// applies. The JSON names are the twoi2chub_hub attributes' (the provider
// converts between the two through them); each type lives in the file of
// its concern, with how it renders, parses back and is checked.
type Hub struct {
	Domain           string        `json:"domain,omitempty"`
	HTTPS            *HTTPS        `json:"https,omitempty"`
	Ingress          *Ingress      `json:"ingress,omitempty"`
	ProxyServiceType string        `json:"proxy_service_type,omitempty"`
	Image            string        `json:"image,omitempty"` // image reference: name:tag, name@sha256:..., or name:tag@sha256:...
	Profiles         []Profile     `json:"profiles"`
	Storage          *Storage      `json:"storage,omitempty"`
	Culling          *Culling      `json:"culling,omitempty"`
	AdminUsers       []string      `json:"admin_users"`
	AllowedUsers     []string      `json:"allowed_users"`
	NodePurpose      *NodePurpose  `json:"node_purpose,omitempty"`
	UserServers      *UserServers  `json:"user_servers,omitempty"`
	Limits           *Limits       `json:"limits,omitempty"`
	NamedServers     *NamedServers `json:"named_servers,omitempty"`
	// UserServiceAccount is in cloud.go.
	UserServiceAccount *UserServiceAccount `json:"user_service_account,omitempty"`
	// The proxy Service's static IP and annotations (addresses.go).
	ProxyLoadBalancerIP     string            `json:"proxy_load_balancer_ip,omitempty"`
	ProxyServiceAnnotations map[string]string `json:"proxy_service_annotations"`
	// Registry credentials for private images (pull_secrets.go): names of
	// Secrets in the hub's namespace.
	ImagePullSecrets []string `json:"image_pull_secrets"`
	// Pull secrets in other namespaces, which the provider copies into the
	// hub's (a user image's push Secret).
	ImagePullSecretsFrom []PullSecretSource `json:"image_pull_secrets_from"`
	// Logo and page templates (branding.go).
	Branding *Branding `json:"branding,omitempty"`
	// Secret settings read from a Kubernetes Secret (secret_values.go):
	// one the community made, or the provider's own written from
	// secret_values_wo, of which only this fingerprint is kept.
	SecretValuesRef      *SecretValuesRef `json:"secret_values_ref,omitempty"`
	SecretValuesChecksum string           `json:"secret_values_checksum,omitempty"`
	// Security defaults (security.go); nil means z2jh's default.
	NetworkPolicy      *NetworkPolicy `json:"network_policy,omitempty"`
	BlockCloudMetadata *bool          `json:"block_cloud_metadata,omitempty"`
	// Labels for cost reports on every pod and the namespace (costlabels.go):
	// the community's name, labels of its own, and the hub's name, which the
	// provider fills in from the resource's name.
	Community   string            `json:"community,omitempty"`
	CostLabels  map[string]string `json:"cost_labels"`
	ReleaseName string            `json:"-"`
	// Auth is the values fragment of a twoi2chub_auth (who may log in),
	// merged over the typed settings.
	Auth map[string]any `json:"-"`
	// ExtraValues are deep-merged over everything else, last.
	ExtraValues map[string]any `json:"-"`
}

// Defaults that the renderer fills in when a setting leaves them out.
const (
	DefaultGPUResource = "nvidia.com/gpu"
	DefaultMountPath   = "/home/jovyan"
	DefaultSubPath     = "{username}"
	nfsVolumeName      = "home-nfs"
)
