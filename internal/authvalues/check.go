package authvalues

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

type problems []hubvalues.Problem

func (ps *problems) add(attr hubvalues.AttrPath, summary, detail string, args ...any) {
	*ps = append(*ps, hubvalues.Problem{Attr: attr, Summary: summary, Detail: fmt.Sprintf(detail, args...)})
}

var (
	githubName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	githubTeam = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	// A domain as CILogon and Google match it; CILogon also takes fnmatch wildcards.
	wildcardDomain = regexp.MustCompile(`^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

// Check finds settings that would let the wrong people in, nobody at all, or
// that OAuthenticator would refuse at start-up.
func Check(a Auth) []hubvalues.Problem {
	var ps problems
	block := func(name string) hubvalues.AttrPath { return hubvalues.AttrPath{a.Type, name} }

	// Who may log in, said once and explicitly.
	rules := 0
	var ruleNames []string
	if len(a.AllowedUsers) > 0 {
		rules++
		ruleNames = append(ruleNames, "allowed_users")
	}
	switch {
	case a.GitHub != nil && len(a.GitHub.AllowedOrganizations)+len(a.GitHub.AllowedTeams) > 0:
		rules++
		ruleNames = append(ruleNames, "github allowed_organizations/allowed_teams")
	case a.Google != nil && len(a.Google.AllowedGroups) > 0:
		rules++
		ruleNames = append(ruleNames, "google allowed_groups")
	case a.OIDC != nil && len(a.OIDC.AllowedGroups) > 0:
		rules++
		ruleNames = append(ruleNames, "generic_oidc allowed_groups")
	case a.CILogon != nil:
		for _, idp := range a.CILogon.IdentityProviders {
			if len(idp.AllowedDomains) > 0 || idp.AllowAll {
				rules++
				ruleNames = append(ruleNames, "cilogon allowed_domains/allow_all")
				break
			}
		}
	}
	if a.AllowAll && rules > 0 {
		ps.add(hubvalues.AttrPath{"allow_all"}, "allow_all with allow-lists",
			"allow_all = true lets everyone who can log in with the identity provider in, so %s would have no effect. Keep one: remove allow_all, or the lists.",
			strings.Join(ruleNames, ", "))
	}
	if !a.AllowAll && rules == 0 && a.Type != Dummy {
		ps.add(hubvalues.AttrPath{"allowed_users"}, "Nobody can log in",
			"Nothing allows anyone in: set allowed_users, an allow-list of the %s block (organizations, identity providers, domains or groups), or allow_all = true explicitly.", a.Type)
	}
	// With only a list of users, every admin must be on it.
	if rules == 1 && len(a.AllowedUsers) > 0 && !a.AllowAll {
		allowed := map[string]bool{}
		for _, u := range a.AllowedUsers {
			allowed[u] = true
		}
		for _, u := range a.AdminUsers {
			if !allowed[u] {
				ps.add(hubvalues.AttrPath{"admin_users"}, "Admin not allowed to log in",
					"%q is an admin but not in allowed_users, the only rule that lets people in: add them to allowed_users.", u)
			}
		}
	}

	switch a.Type {
	case GitHub:
		g := a.GitHub
		for _, org := range g.AllowedOrganizations {
			if !githubName.MatchString(org) {
				ps.add(block("allowed_organizations"), "Invalid GitHub organization",
					"%q is not a GitHub organization name; a team goes in allowed_teams as \"org:team\".", org)
			}
		}
		for _, t := range g.AllowedTeams {
			org, team, ok := strings.Cut(t, ":")
			if !ok || org == "" || !githubName.MatchString(org) {
				ps.add(block("allowed_teams"), "GitHub team without its organization",
					"%q must name the organization too, as \"org:team\" (the team's slug, as in its URL), e.g. \"2i2c-org:hub-admins\".", t)
				continue
			}
			if !githubTeam.MatchString(team) {
				ps.add(block("allowed_teams"), "Invalid GitHub team", "%q: the team part must be the team's slug, as in its URL (lower case, dashes).", t)
			}
		}
	case CILogon:
		if a.CILogon == nil || len(a.CILogon.IdentityProviders) == 0 {
			ps.add(block("identity_providers"), "CILogon needs an identity provider",
				"List at least one identity provider (for example your university's EntityID, or \"http://github.com/login/oauth/authorize\"); CILogon refuses to start without one.")
			break
		}
		seen := map[string]bool{}
		defaults := 0
		for i, idp := range a.CILogon.IdentityProviders {
			at := func(name string) hubvalues.AttrPath {
				return hubvalues.AttrPath{"cilogon", "identity_providers", i, name}
			}
			u, err := url.Parse(idp.EntityID)
			if err != nil || (u.Scheme != "urn" && u.Scheme != "https" && u.Scheme != "http") {
				ps.add(at("entity_id"), "Invalid identity provider", "%q is not an EntityID: it starts with https://, http:// or urn:, as listed at cilogon.org/idplist.", idp.EntityID)
			}
			if seen[idp.EntityID] {
				ps.add(at("entity_id"), "Duplicate identity provider", "%q is listed twice.", idp.EntityID)
			}
			seen[idp.EntityID] = true
			if idp.StripDomain != "" && idp.Prefix != "" {
				ps.add(at("prefix"), "Conflicting settings", "Usernames either have a domain stripped (strip_domain) or a prefix added (prefix), not both.")
			}
			if idp.StripDomain != "" {
				if err := validate.DNSName(idp.StripDomain); err != nil {
					ps.add(at("strip_domain"), "Invalid domain", "%s", err)
				}
			}
			for _, d := range idp.AllowedDomains {
				if !wildcardDomain.MatchString(d) {
					ps.add(at("allowed_domains"), "Invalid e-mail domain", "%q is not an e-mail domain: write it like \"uni.edu\" or \"*.uni.edu\", without @.", d)
				}
			}
			if idp.AllowAll && len(idp.AllowedDomains) > 0 {
				ps.add(at("allow_all"), "allow_all with allow-lists", "An identity provider either lets everyone in (allow_all) or only allowed_domains, not both.")
			}
			if idp.Default {
				if defaults++; defaults > 1 {
					ps.add(at("default"), "Several default identity providers", "Only one identity provider can be preselected.")
				}
			}
		}
	case Google:
		g := a.Google
		for _, d := range g.AllowedDomains {
			if err := validate.DNSName(d); err != nil || strings.Contains(d, "@") {
				ps.add(block("allowed_domains"), "Invalid e-mail domain", "%q is not an e-mail domain: write it like \"uni.edu\", without @.", d)
			}
		}
		if len(g.AllowedGroups)+len(g.AdminGroups) > 0 {
			if g.GroupsAdminEmail == "" || g.ServiceAccountKey == "" {
				ps.add(block("groups_admin_email"), "Group checks need Workspace access",
					"Checking Google groups needs a Workspace administrator's e-mail (groups_admin_email) and a service account key in a Secret (service_account_key_secret).")
			} else if err := validate.Email(g.GroupsAdminEmail); err != nil {
				ps.add(block("groups_admin_email"), "Invalid e-mail", "%s", err)
			} else {
				domain := g.GroupsAdminEmail[strings.LastIndex(g.GroupsAdminEmail, "@")+1:]
				for _, grp := range append(append([]string{}, g.AllowedGroups...), g.AdminGroups...) {
					if !strings.HasSuffix(grp, "@"+domain) {
						ps.add(block("allowed_groups"), "Group outside the Workspace domain", "%q is not a group of %s, the domain of groups_admin_email.", grp, domain)
					}
				}
			}
		}
	case GenericOIDC:
		o := a.OIDC
		if o.Issuer != "" {
			if err := httpsURL(o.Issuer); err != nil {
				ps.add(block("issuer"), "Issuer must use HTTPS", "%s", err)
			}
			if o.AuthorizeURL != "" || o.TokenURL != "" || o.UserdataURL != "" {
				ps.add(block("issuer"), "Conflicting settings", "Give either issuer (the endpoints are discovered from it) or authorize_url, token_url and userdata_url, not both.")
			}
		} else {
			for name, u := range map[string]string{"authorize_url": o.AuthorizeURL, "token_url": o.TokenURL, "userdata_url": o.UserdataURL} {
				if u == "" {
					ps.add(block(name), "Missing endpoint", "Without issuer, generic_oidc needs authorize_url, token_url and userdata_url.")
				} else if err := httpsURL(u); err != nil {
					ps.add(block(name), "Endpoint must use HTTPS", "%s", err)
				}
			}
		}
	}
	if a.Type != Dummy && a.ClientID == "" {
		ps.add(block("client_id"), "Missing client ID", "Register the hub with the identity provider and set client_id.")
	}
	return ps
}

func httpsURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", s)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("%q uses %s: tokens and client secrets must only travel over https://", s, u.Scheme)
	}
	return nil
}
