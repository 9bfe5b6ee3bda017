package hubvalues

import "sort"

// How a twoi2chub_auth's fragment meets the hub's own settings.

// CallbackURL is where an identity provider sends people back to a hub.
func CallbackURL(domain string) string { return "https://" + domain + "/hub/oauth_callback" }

// callbackClasses lists the OAuthenticator sections of an auth fragment that
// have a client but no callback URL, which a hub with a domain fills in.
func callbackClasses(auth Values, domain string) []string {
	if domain == "" {
		return nil
	}
	config, _ := lookupMap(auth, "hub", "config")
	var out []string
	for class, section := range config {
		m, ok := section.(map[string]any)
		if !ok {
			continue
		}
		if _, hasClient := m["client_id"]; hasClient {
			if _, hasCallback := m["oauth_callback_url"]; !hasCallback {
				out = append(out, class)
			}
		}
	}
	sort.Strings(out)
	return out
}

// authSets reports whether an auth fragment sets a trait on any authenticator class.
func authSets(auth map[string]any, trait string) bool {
	config, _ := lookupMap(auth, "hub", "config")
	for _, section := range config {
		if m, ok := section.(map[string]any); ok {
			if _, ok := m[trait]; ok {
				return true
			}
		}
	}
	return false
}

func checkAuth(h Hub, ps *problems) {
	if h.Auth != nil {
		config, _ := lookupMap(h.Auth, "hub", "config")
		for class, section := range config {
			if m, ok := section.(map[string]any); ok && h.Domain != "" {
				if cb, ok := m["oauth_callback_url"].(string); ok && cb != CallbackURL(h.Domain) {
					ps.add(AttrPath{"auth"}, "Auth for another domain",
						"The auth's %s sends people back to %s, but the hub's domain is %q: set the auth's domain to the hub's, or leave it unset there.", class, cb, h.Domain)
				}
			}
		}
		if len(h.AdminUsers) > 0 && authSets(h.Auth, "admin_users") {
			ps.add(AttrPath{"admin_users"}, "Admins named twice", "The hub's auth already names admin users; keep them in one place, the twoi2chub_auth.")
		}
		if len(h.AllowedUsers) > 0 && authSets(h.Auth, "allowed_users") {
			ps.add(AttrPath{"allowed_users"}, "Allowed users named twice", "The hub's auth already names allowed users; keep them in one place, the twoi2chub_auth.")
		}
	}
}
