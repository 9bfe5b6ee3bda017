package authvalues

import (
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
)

// Render turns a checked Auth into the values fragment a hub merges over its
// own settings.
func Render(a Auth) map[string]any {
	c := classes[a.Type]
	config := map[string]any{"JupyterHub": map[string]any{"authenticator_class": c.short}}
	hub := map[string]any{"config": config}
	if a.Type == Dummy {
		section := map[string]any{}
		users(section, a)
		if len(section) > 0 {
			config[c.class] = section
		}
		return map[string]any{"hub": hub}
	}

	section := map[string]any{"client_id": a.ClientID}
	if u := CallbackURL(a.Domain); u != "" {
		section["oauth_callback_url"] = u
	}
	users(section, a)
	switch a.Type {
	case GitHub:
		renderGitHub(section, a.GitHub)
	case CILogon:
		renderCILogon(section, a.CILogon)
	case Google:
		renderGoogle(section, hub, a.Google)
	case GenericOIDC:
		renderOIDC(section, a.OIDC)
	}
	config[c.class] = section
	hub["extraEnv"] = map[string]any{SecretEnv: map[string]any{
		"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": a.SecretName, "key": a.SecretKey}},
	}}
	if a.SecretChecksum != "" {
		hub["annotations"] = map[string]any{ChecksumAnnotation: a.SecretChecksum}
	}
	return map[string]any{"hub": hub}
}

func users(section map[string]any, a Auth) {
	if len(a.AllowedUsers) > 0 {
		section["allowed_users"] = hubvalues.SortedList(a.AllowedUsers)
	}
	if len(a.AdminUsers) > 0 {
		section["admin_users"] = hubvalues.SortedList(a.AdminUsers)
	}
	if a.AllowAll {
		section["allow_all"] = true
	}
}

func renderGitHub(section map[string]any, g *GitHubSettings) {
	if g == nil {
		return
	}
	orgs := append(append([]string{}, g.AllowedOrganizations...), g.AllowedTeams...)
	if len(orgs) > 0 {
		section["allowed_organizations"] = hubvalues.SortedList(orgs)
		// Membership that is not public is only visible with read:org.
		section["scope"] = []any{"read:org"}
	}
	if len(g.AllowedTeams) > 0 {
		section["populate_teams_in_auth_state"] = true
	}
}

func renderCILogon(section map[string]any, c *CILogonSettings) {
	if c == nil {
		return
	}
	idps := map[string]any{}
	for _, idp := range c.IdentityProviders {
		derivation := map[string]any{"username_claim": idp.UsernameClaim}
		switch {
		case idp.StripDomain != "":
			derivation["action"], derivation["domain"] = "strip_idp_domain", idp.StripDomain
		case idp.Prefix != "":
			derivation["action"], derivation["prefix"] = "prefix", idp.Prefix
		}
		entry := map[string]any{"username_derivation": derivation}
		if len(idp.AllowedDomains) > 0 {
			entry["allowed_domains"] = hubvalues.SortedList(idp.AllowedDomains)
		}
		if idp.AllowAll {
			entry["allow_all"] = true
		}
		if idp.Default {
			entry["default"] = true
		}
		idps[idp.EntityID] = entry
	}
	section["allowed_idps"] = idps
}

func renderGoogle(section, hub map[string]any, g *GoogleSettings) {
	if g == nil {
		return
	}
	if len(g.AllowedDomains) > 0 {
		section["hosted_domain"] = hubvalues.SortedList(g.AllowedDomains)
	}
	if len(g.AllowedGroups) == 0 && len(g.AdminGroups) == 0 {
		return
	}
	domain := g.GroupsAdminEmail[strings.LastIndex(g.GroupsAdminEmail, "@")+1:]
	if len(g.AllowedGroups) > 0 {
		section["allowed_google_groups"] = map[string]any{domain: hubvalues.SortedList(g.AllowedGroups)}
	}
	if len(g.AdminGroups) > 0 {
		section["admin_google_groups"] = map[string]any{domain: hubvalues.SortedList(g.AdminGroups)}
	}
	section["gsuite_administrator"] = map[string]any{domain: g.GroupsAdminEmail[:strings.LastIndex(g.GroupsAdminEmail, "@")]}
	section["google_service_account_keys"] = map[string]any{domain: googleKeyDir + "/" + g.ServiceAccountKeyID}
	// The key file comes from a Secret mounted into the hub.
	hub["extraVolumes"] = []any{map[string]any{"name": "google-service-account", "secret": map[string]any{"secretName": g.ServiceAccountKey}}}
	hub["extraVolumeMounts"] = []any{map[string]any{"name": "google-service-account", "mountPath": googleKeyDir, "readOnly": true}}
}

func renderOIDC(section map[string]any, o *OIDCSettings) {
	if o == nil {
		return
	}
	section["authorize_url"] = o.AuthorizeURL
	section["token_url"] = o.TokenURL
	section["userdata_url"] = o.UserdataURL
	if o.UsernameClaim != "" {
		section["username_claim"] = o.UsernameClaim
	}
	if len(o.Scopes) > 0 {
		scopes := make([]any, len(o.Scopes))
		for i, s := range o.Scopes {
			scopes[i] = s
		}
		section["scope"] = scopes
	}
	if o.LoginService != "" {
		section["login_service"] = o.LoginService
	}
	if len(o.AllowedGroups) > 0 || len(o.AdminGroups) > 0 {
		claim := o.GroupsClaim
		if claim == "" {
			claim = "groups"
		}
		// OAuthenticator 17 reads groups from auth state, and only with manage_groups.
		section["manage_groups"] = true
		section["auth_state_groups_key"] = "oauth_user." + claim
		if len(o.AllowedGroups) > 0 {
			section["allowed_groups"] = hubvalues.SortedList(o.AllowedGroups)
		}
		if len(o.AdminGroups) > 0 {
			section["admin_groups"] = hubvalues.SortedList(o.AdminGroups)
		}
	}
}
