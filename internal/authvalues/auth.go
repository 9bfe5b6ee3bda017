// Package authvalues renders who may log in to a hub (an OAuthenticator setup)
// into the zero-to-jupyterhub values a hub merges in: hub.config sections with
// OAuthenticator's own class and trait names, the client secret injected as
// an environment variable from a Kubernetes Secret (never as a value), and a
// checksum annotation that restarts the hub when the secret changes.
//
// Trait names follow OAuthenticator 17: group checks live on the base class
// and need manage_groups; GenericOAuthenticator.claim_groups_key is the
// deprecated spelling of auth_state_groups_key = "oauth_user.<claim>".
package authvalues

import "github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"

// Types of authentication.
const (
	GitHub      = "github"
	CILogon     = "cilogon"
	Google      = "google"
	GenericOIDC = "generic_oidc"
	Dummy       = "dummy"
)

// Auth is one way of logging in to a hub.
type Auth struct {
	Type string
	// Domain of the hub, for the OAuth callback URL; empty lets
	// OAuthenticator derive it from the request.
	Domain   string
	ClientID string

	// Where the client secret is: a Secret in the hub's namespace. Empty
	// for Dummy.
	SecretName string
	SecretKey  string
	// SecretChecksum changes when the secret's content does; it restarts the hub.
	SecretChecksum string

	AllowedUsers []string
	AdminUsers   []string
	AllowAll     bool

	GitHub  *GitHubSettings
	CILogon *CILogonSettings
	Google  *GoogleSettings
	OIDC    *OIDCSettings
}

// GitHubSettings lets in members of organizations or teams ("org:team").
type GitHubSettings struct {
	AllowedOrganizations []string
	AllowedTeams         []string
}

// CILogonSettings lets in people from identity providers of their institutions.
type CILogonSettings struct {
	IdentityProviders []IdentityProvider
}

// IdentityProvider is one institution's login, known to CILogon by its EntityID.
type IdentityProvider struct {
	EntityID       string
	UsernameClaim  string
	StripDomain    string // with action strip_idp_domain
	Prefix         string // with action prefix
	AllowedDomains []string
	AllowAll       bool
	Default        bool
}

// GoogleSettings restricts Google accounts to domains and groups.
type GoogleSettings struct {
	AllowedDomains []string
	// Group checks need a Workspace admin and a service account key.
	AllowedGroups       []string
	AdminGroups         []string
	GroupsAdminEmail    string
	ServiceAccountKey   string // Secret name holding the key file
	ServiceAccountKeyID string // key in that Secret
}

// OIDCSettings is any OpenID Connect server: Keycloak, Auth0, Azure AD, ...
type OIDCSettings struct {
	Issuer        string // for discovery; resolved into the URLs below
	AuthorizeURL  string
	TokenURL      string
	UserdataURL   string
	UsernameClaim string
	Scopes        []string
	GroupsClaim   string
	AllowedGroups []string
	AdminGroups   []string
	LoginService  string
}

// Class names and the short names JupyterHub resolves through entry points.
var classes = map[string]struct{ short, class string }{
	GitHub:      {"github", "GitHubOAuthenticator"},
	CILogon:     {"cilogon", "CILogonOAuthenticator"},
	Google:      {"google", "GoogleOAuthenticator"},
	GenericOIDC: {"generic-oauth", "GenericOAuthenticator"},
	Dummy:       {"dummy", "DummyAuthenticator"},
}

// CallbackURL is what the identity provider must be told: where it sends
// people back after they log in (empty without a domain).
func CallbackURL(domain string) string {
	if domain == "" {
		return ""
	}
	return hubvalues.CallbackURL(domain)
}

const (
	// SecretEnv is the variable every OAuthenticator falls back to for its
	// client secret (after a provider-specific one such as GITHUB_CLIENT_SECRET).
	SecretEnv = "OAUTH_CLIENT_SECRET"
	// ChecksumAnnotation on the hub pod changes with the secret, so the hub
	// restarts and reads the new value.
	ChecksumAnnotation = "twoi2chub.2i2c.org/auth-secret-checksum"
	// googleKeyDir is where a Google service account key is mounted in the hub.
	googleKeyDir = "/etc/jupyterhub/google"
)
