package provider

import (
	"encoding/json"
	"strings"
	"testing"
)

// validateDiagnostic is one diagnostic of `terraform validate -json`.
type validateDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
}

// TestAccValidateWithoutCluster: `terraform validate` (no provider
// configuration, no cluster, no chart) reports settings of a hub or an auth
// that do not work together, at the attribute, and accepts sound ones, also
// when some of their values are only known at apply.
func TestAccValidateWithoutCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider")
	}
	w := newCLIWorkdir(t, "/nonexistent/kubeconfig")
	unknown := `
resource "terraform_data" "later" {
  input = "quay.io/jupyter/scipy-notebook:2025-01-06"
}
`
	hub := func(body string) string {
		return unknown + `
resource "twoi2chub_hub" "test" {
  name      = "hub"
  namespace = "hackweek"
  ` + body + `
}
`
	}
	auth := func(body string) string {
		return `
resource "twoi2chub_auth" "test" {
  name      = "github"
  namespace = "hackweek"
  ` + body + `
}
`
	}
	ref := `client_secret_ref = { name = "oauth", key = "client-secret" }`
	cases := []struct{ name, hcl, want, at string }{
		{"hub: https without domain", hub(`https = { mode = "offload" }`), "HTTPS and ingresses need the hub's `domain`", "https"},
		{"hub: domain without https", hub(`domain = "hub.example.org"`), "must use HTTPS", "domain"},
		{"hub: letsencrypt without contact", hub(`domain = "hub.example.org"
  https  = { mode = "letsencrypt" }`), "needs a contact e-mail", "https.contact_email"},
		{"hub: two default profiles, one image known only at apply", hub(`profiles = [
    { display_name = "A", default = true, image = terraform_data.later.output },
    { display_name = "B", default = true },
  ]`), "Only one profile can be the default", "profiles[1].default"},
		{"hub: shared storage without a claim, image known only at apply", hub(`image   = terraform_data.later.output
  storage = { type = "shared" }`), "needs `claim_name`", "storage.claim_name"},
		{"auth: GitHub team without its organization", auth(`github = { client_id = "x", allowed_teams = ["hub-admins"] }
  ` + ref), "must name the organization too", "github.allowed_teams"},
		{"auth: admin not allowed to log in", auth(`github = { client_id = "x" }
  allowed_users = ["ada"]
  admin_users   = ["grace"]
  ` + ref), `"grace" is an admin but not in allowed_users`, "admin_users"},
		{"auth: no client secret", auth(`github = { client_id = "x", allowed_organizations = ["2i2c-org"] }`), "Give the OAuth client secret", "client_secret_ref"},
		{"auth: a secret for dummy", auth(`dummy = {}
  allow_all = true
  ` + ref), "The dummy authenticator has no client secret", "dummy"},
		{"sound hub and auth, some values known only at apply", hub(`domain   = "hub.example.org"
  https    = { mode = "letsencrypt", contact_email = "it@example.org" }
  image    = terraform_data.later.output
  profiles = [{ display_name = "Env", image = terraform_data.later.output }]
  auth     = twoi2chub_auth.test.hub_config`) + auth(`domain = "hub.example.org"
  github = { client_id = "x", allowed_organizations = ["2i2c-org"] }
  `+ref), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w.writeConfig(tc.hcl)
			cmd, out := w.command(t.Context(), "validate", "-json", "-no-color")
			_ = cmd.Run() // exits 1 on errors; the JSON says which
			var res struct {
				Valid       bool                 `json:"valid"`
				Diagnostics []validateDiagnostic `json:"diagnostics"`
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("validate -json: %v\n%s", err, out)
			}
			var errs []validateDiagnostic
			for _, d := range res.Diagnostics {
				if d.Severity == "error" {
					errs = append(errs, d)
				}
			}
			if tc.want == "" {
				if !res.Valid || len(errs) > 0 {
					t.Fatalf("a sound configuration is refused: %+v", res.Diagnostics)
				}
				return
			}
			if res.Valid || len(errs) != 1 {
				t.Fatalf("want one error saying %q at %s; validate said (valid %v): %+v", tc.want, tc.at, res.Valid, res.Diagnostics)
			}
			if d := errs[0]; !strings.HasSuffix(d.Summary, " at "+tc.at) || !strings.Contains(d.Detail, tc.want) {
				t.Errorf("want %q at %s; got %q: %q", tc.want, tc.at, d.Summary, d.Detail)
			}
		})
	}
}
