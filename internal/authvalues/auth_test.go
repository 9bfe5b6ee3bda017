package authvalues

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/hubvalues"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/z2jhtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const checksum = "3f2a"

// goldenCases: one per type, as communities configure them.
var goldenCases = map[string]Auth{
	"github": {Type: GitHub, Domain: "hub.example.org", ClientID: "Iv1.0123", SecretName: "hub-oauth", SecretKey: "client-secret", SecretChecksum: checksum,
		AdminUsers: []string{"yuvi"},
		GitHub:     &GitHubSettings{AllowedOrganizations: []string{"2i2c-org"}, AllowedTeams: []string{"pangeo-data:hackweek-2026"}}},
	"cilogon": {Type: CILogon, Domain: "jupyter.uni.example", ClientID: "cilogon:/client_id/abc", SecretName: "hub-oauth", SecretKey: "client-secret", SecretChecksum: checksum,
		AdminUsers: []string{"ada"},
		CILogon: &CILogonSettings{IdentityProviders: []IdentityProvider{
			{EntityID: "https://idp.uni.example/idp/shibboleth", UsernameClaim: "email", StripDomain: "uni.example", AllowedDomains: []string{"uni.example", "*.uni.example"}, Default: true},
			{EntityID: "http://github.com/login/oauth/authorize", UsernameClaim: "username", Prefix: "github", AllowAll: true},
		}}},
	"google": {Type: Google, Domain: "hub.school.example", ClientID: "123.apps.googleusercontent.com", SecretName: "hub-oauth", SecretKey: "client-secret", SecretChecksum: checksum,
		Google: &GoogleSettings{AllowedDomains: []string{"school.example"}, AllowedGroups: []string{"students@school.example"}, AdminGroups: []string{"teachers@school.example"},
			GroupsAdminEmail: "admin@school.example", ServiceAccountKey: "google-sa", ServiceAccountKeyID: "key.json"}},
	"generic-oidc": {Type: GenericOIDC, Domain: "hub.lab.example", ClientID: "jupyterhub", SecretName: "hub-oauth", SecretKey: "client-secret", SecretChecksum: checksum,
		OIDC: &OIDCSettings{AuthorizeURL: "https://sso.lab.example/realms/lab/protocol/openid-connect/auth",
			TokenURL:      "https://sso.lab.example/realms/lab/protocol/openid-connect/token",
			UserdataURL:   "https://sso.lab.example/realms/lab/protocol/openid-connect/userinfo",
			UsernameClaim: "preferred_username", Scopes: []string{"openid", "profile", "email"},
			GroupsClaim: "groups", AllowedGroups: []string{"hub-users"}, AdminGroups: []string{"hub-admins"}, LoginService: "Lab SSO"}},
	"dummy": {Type: Dummy, AllowAll: true},
}

func TestRenderGolden(t *testing.T) {
	for name, a := range goldenCases {
		t.Run(name, func(t *testing.T) {
			if ps := Check(a); len(ps) > 0 {
				t.Fatalf("the golden case does not pass its own checks: %v", ps)
			}
			got, err := yaml.Marshal(Render(a))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".yaml")
			if *update {
				_ = os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./internal/authvalues -update creates it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("rendered auth differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// TestRenderedAuthMatchesChartSchema merges each type into a hub's values and
// validates the result against z2jh 4.4.0's schema; the client secret is
// never a value, only a reference to the Secret.
func TestRenderedAuthMatchesChartSchema(t *testing.T) {
	schema, err := hubvalues.CompileSchema(z2jhtest.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	defaults := z2jhtest.Defaults(t)
	for name, a := range goldenCases {
		t.Run(name, func(t *testing.T) {
			r, err := hubvalues.Render(hubvalues.Hub{Image: "quay.io/jupyter/base-notebook:2025-01-06", Auth: Render(a)})
			if err != nil {
				t.Fatal(err)
			}
			if issues := schema.Validate(hubvalues.Coalesce(defaults, r.Values)); len(issues) > 0 {
				t.Errorf("schema issues: %v", issues)
			}
			data, _ := json.Marshal(r.Values)
			if strings.Contains(string(data), "client_secret") {
				t.Errorf("values carry a client_secret: %s", data)
			}
			if a.Type != Dummy && !strings.Contains(string(data), `"secretKeyRef":{"key":"client-secret","name":"hub-oauth"}`) {
				t.Errorf("the client secret is not injected from the Secret: %s", data)
			}
		})
	}
}

// TestCheck: each setting that cannot work is refused, at its attribute.
func TestCheck(t *testing.T) {
	base := func(typ string) Auth {
		a := Auth{Type: typ, ClientID: "id", SecretName: "s", SecretKey: "k"}
		switch typ {
		case GitHub:
			a.GitHub = &GitHubSettings{}
		case CILogon:
			a.CILogon = &CILogonSettings{IdentityProviders: []IdentityProvider{{EntityID: "urn:mace:incommon:uni.edu", UsernameClaim: "email", AllowAll: true}}}
		case Google:
			a.Google = &GoogleSettings{}
		case GenericOIDC:
			a.OIDC = &OIDCSettings{Issuer: "https://sso.example.org/realms/x"}
		}
		return a
	}
	cases := []struct {
		name     string
		auth     func() Auth
		wantAttr string
		wantText string
	}{
		{"GitHub team without its organization", func() Auth {
			a := base(GitHub)
			a.GitHub.AllowedTeams = []string{"hackweek"}
			return a
		}, "github.allowed_teams", "must name the organization too"},
		{"GitHub organization given as a team", func() Auth {
			a := base(GitHub)
			a.GitHub.AllowedOrganizations = []string{"org:team"}
			return a
		}, "github.allowed_organizations", "not a GitHub organization name"},
		{"CILogon without any identity provider", func() Auth {
			a := base(CILogon)
			a.CILogon.IdentityProviders = nil
			return a
		}, "cilogon.identity_providers", "at least one identity provider"},
		{"CILogon EntityID that is not a URL", func() Auth {
			a := base(CILogon)
			a.CILogon.IdentityProviders[0].EntityID = "uni.edu"
			return a
		}, "cilogon.identity_providers[0].entity_id", "not an EntityID"},
		{"invalid e-mail domain (CILogon)", func() Auth {
			a := base(CILogon)
			a.CILogon.IdentityProviders[0].AllowAll = false
			a.CILogon.IdentityProviders[0].AllowedDomains = []string{"@uni.edu"}
			return a
		}, "cilogon.identity_providers[0].allowed_domains", "not an e-mail domain"},
		{"invalid e-mail domain (Google)", func() Auth {
			a := base(Google)
			a.AllowAll = true
			a.Google.AllowedDomains = []string{"school"}
			return a
		}, "google.allowed_domains", "not an e-mail domain"},
		{"admin who is not allowed to log in", func() Auth {
			a := base(GitHub)
			a.AllowedUsers, a.AdminUsers = []string{"ada"}, []string{"grace"}
			return a
		}, "admin_users", `"grace" is an admin but not in allowed_users`},
		{"OIDC issuer over http", func() Auth {
			a := base(GenericOIDC)
			a.AllowAll = true
			a.OIDC.Issuer = "http://sso.example.org/realms/x"
			return a
		}, "generic_oidc.issuer", "must only travel over https://"},
		{"OIDC endpoint over http", func() Auth {
			a := base(GenericOIDC)
			a.AllowAll = true
			a.OIDC = &OIDCSettings{AuthorizeURL: "https://a.example/auth", TokenURL: "http://a.example/token", UserdataURL: "https://a.example/me"}
			return a
		}, "generic_oidc.token_url", "must only travel over https://"},
		{"allow_all together with allow-lists", func() Auth {
			a := base(GitHub)
			a.AllowAll = true
			a.GitHub.AllowedOrganizations = []string{"2i2c-org"}
			return a
		}, "allow_all", "would have no effect"},
		{"nobody allowed in", func() Auth { return base(GitHub) }, "allowed_users", "Nothing allows anyone in"},
		{"Google groups without Workspace access", func() Auth {
			a := base(Google)
			a.Google.AllowedGroups = []string{"students@school.example"}
			return a
		}, "google.groups_admin_email", "Workspace administrator"},
		{"Google group of another domain", func() Auth {
			a := base(Google)
			a.Google.AllowedGroups = []string{"students@other.example"}
			a.Google.GroupsAdminEmail, a.Google.ServiceAccountKey = "admin@school.example", "sa"
			return a
		}, "google.allowed_groups", "not a group of school.example"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := Check(tc.auth())
			for _, p := range ps {
				if p.Attr.String() == tc.wantAttr && strings.Contains(p.Detail, tc.wantText) {
					return
				}
			}
			t.Errorf("want a problem at %s saying %q; got %v", tc.wantAttr, tc.wantText, ps)
		})
	}
	for typ := range classes {
		a := base(typ)
		a.AllowAll = typ != CILogon
		if typ == Dummy {
			a = Auth{Type: Dummy, AllowAll: true}
		}
		if ps := Check(a); len(ps) > 0 {
			t.Errorf("a sound %s setup is refused: %v", typ, ps)
		}
	}
}

func TestDiscover(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/realms/lab/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{
			"issuer":                 srv.URL + "/realms/lab",
			"authorization_endpoint": srv.URL + "/realms/lab/auth",
			"token_endpoint":         srv.URL + "/realms/lab/token",
			"userinfo_endpoint":      srv.URL + "/realms/lab/userinfo",
		})
	}))
	defer srv.Close()
	ctx := context.Background()
	e, err := Discover(ctx, srv.Client(), srv.URL+"/realms/lab")
	if err != nil {
		t.Fatal(err)
	}
	if e.Token != srv.URL+"/realms/lab/token" || e.Userinfo != srv.URL+"/realms/lab/userinfo" {
		t.Errorf("endpoints %+v", e)
	}
	if _, err := Discover(ctx, srv.Client(), srv.URL+"/realms/other"); err == nil {
		t.Error("a missing discovery document was accepted")
	}
	if _, err := Discover(ctx, srv.Client(), "http://sso.example/realms/lab"); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("plain http issuer: %v", err)
	}
}
