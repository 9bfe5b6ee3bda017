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
// applies.
type Hub struct {
	Domain           string
	HTTPS            *HTTPS
	Ingress          *Ingress
	ProxyServiceType string
	Image            string // image reference: name:tag, name@sha256:..., or name:tag@sha256:...
	Profiles         []Profile
	Storage          *Storage
	Culling          *Culling
	AdminUsers       []string
	AllowedUsers     []string
	NodePurpose      *NodePurpose
	// Auth is the values fragment of a twoi2chub_auth (who may log in),
	// merged over the typed settings.
	Auth map[string]any
	// ExtraValues are deep-merged over everything else, last.
	ExtraValues map[string]any
}

// HTTPS modes, as z2jh's proxy.https.type.
const (
	HTTPSLetsEncrypt = "letsencrypt"
	HTTPSSecret      = "secret"
	HTTPSOffload     = "offload"
)

// HTTPS is TLS terminated by the hub's proxy (or, with offload, before it).
type HTTPS struct {
	Mode         string
	ContactEmail string // letsencrypt
	SecretName   string // secret: an existing kubernetes.io/tls Secret
}

// Ingress exposes the hub through an ingress controller instead.
type Ingress struct {
	ClassName     string
	Annotations   map[string]string
	TLSSecretName string
}

// Profile is one entry of the server options form (KubeSpawner profile_list).
type Profile struct {
	DisplayName     string
	Slug            string
	Description     string
	Default         bool
	Image           string
	CPUGuarantee    *float64
	CPULimit        *float64
	MemoryGuarantee string
	MemoryLimit     string
	NodeSelector    map[string]string
	GPU             *GPU
	ImageChoices    []ImageChoice
}

// GPU asks for accelerators and places the server where they are.
type GPU struct {
	Count        int64
	Resource     string // extended resource name; default nvidia.com/gpu
	NodeSelector map[string]string
	Tolerations  []Toleration
}

// Toleration lets user servers onto tainted nodes.
type Toleration struct {
	Key, Operator, Value, Effect string
}

// ImageChoice is one option of a profile's image menu.
type ImageChoice struct {
	Slug        string
	DisplayName string
	Image       string
	Default     bool
}

// Storage types.
const (
	StorageDynamic = "dynamic" // a PVC per user
	StorageShared  = "shared"  // one existing PVC, a sub-directory per user
	StorageNFS     = "nfs"     // an NFS export, a sub-directory per user
	StorageNone    = "none"
)

// Storage is where users' home directories live.
type Storage struct {
	Type         string
	Capacity     string // dynamic
	StorageClass string // dynamic
	ClaimName    string // shared
	NFSServer    string // nfs
	NFSPath      string // nfs
	SubPath      string // shared, nfs
	MountPath    string // default /home/jovyan
}

// Culling stops idle servers.
type Culling struct {
	Enabled bool
	Timeout *int64
	Every   *int64
	MaxAge  *int64
	Users   *bool
}

// NodePurpose says how strictly core and user pods follow the
// hub.jupyter.org/node-purpose label: "ignore", "prefer" or "require".
type NodePurpose struct {
	Core string
	User string
}

// Defaults that the renderer fills in when a setting leaves them out.
const (
	DefaultGPUResource = "nvidia.com/gpu"
	DefaultMountPath   = "/home/jovyan"
	DefaultSubPath     = "{username}"
	nfsVolumeName      = "home-nfs"
)
