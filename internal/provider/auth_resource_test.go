package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/authstore"
)

const authAddr = "twoi2chub_auth.test"

// setSecret creates or replaces the OAuth client secret a test references.
func setSecret(t *testing.T, e *hubEnv, name, value string) {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: map[string]string{"client-secret": value}}
	if _, err := e.client.CoreV1().Secrets(e.ns).Create(e.ctx, s, metav1.CreateOptions{}); err != nil {
		if _, err := e.client.CoreV1().Secrets(e.ns).Update(e.ctx, s, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// hubConfigHas checks the auth's hub_config JSON holds want at path: keys
// separated by ".", or by "|" when a key has dots in it.
type hubConfigHas struct {
	address, path string
	want          any
}

func (c hubConfigHas) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.address {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(fmt.Sprint(r.AttributeValues["hub_config"])), &v); err != nil {
			resp.Error = fmt.Errorf("hub_config is not JSON: %v", err)
			return
		}
		sep := "."
		if strings.Contains(c.path, "|") {
			sep = "|"
		}
		for _, k := range strings.Split(c.path, sep) {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		if fmt.Sprint(v) != fmt.Sprint(c.want) {
			resp.Error = fmt.Errorf("hub_config %s = %v, want %v", c.path, v, c.want)
		}
		return
	}
	resp.Error = fmt.Errorf("no %s in state", c.address)
}

// hubPodAnnotation reads an annotation of the hub Deployment's pod template.
func hubPodAnnotation(t *testing.T, e *hubEnv, key string) string {
	t.Helper()
	d, err := e.client.AppsV1().Deployments(e.ns).Get(e.ctx, "hub", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Spec.Template.Annotations[key]
}

// TestAccAuthGitHubWithHub wires a GitHub auth into a hub: the hub's values get
// GitHubOAuthenticator and the secret from its Secret; changing the auth
// upgrades the hub; changing only the secret's content restarts the hub; the
// secret is never in a plan or in state.
func TestAccAuthGitHubWithHub(t *testing.T) {
	e := newHubEnv(t)
	setSecret(t, e, "hub-oauth", "gh-secret-value-1")
	secretValues := func() []string { return []string{"gh-secret-value-1", "gh-secret-value-2"} }
	hashes := func() []string { return plainHashes(e.ns, "github", secretValues()...) }
	config := func(orgs string) string {
		return providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_auth" "test" {
  name      = "github"
  namespace = %q
  domain    = "hub.example.org"
  github = {
    client_id             = "Iv1.0123456789abcdef"
    allowed_organizations = [%s]
    allowed_teams         = ["pangeo-data:hackweek-2026"]
  }
  client_secret_ref = { name = "hub-oauth", key = "client-secret" }
  admin_users       = ["yuvi"]
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  auth             = twoi2chub_auth.test.hub_config
}
`, e.ns, orgs, e.name, e.ns, e.repo)
	}
	var checksum1 string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`"2i2c-org"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(authAddr, tfjsonpath.New("callback_url"), knownvalue.StringExact("https://hub.example.org/hub/oauth_callback")),
					noneInPlan{"the OAuth client secret", secretValues},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("id"), knownvalue.StringExact(e.ns+"/github")),
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact("hub-oauth")),
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("client_secret_checksum"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					hubConfigHas{authAddr, "hub.config.JupyterHub.authenticator_class", "github"},
					hubConfigHas{authAddr, "hub.config.GitHubOAuthenticator.allowed_organizations", []any{"2i2c-org", "pangeo-data:hackweek-2026"}},
					hubConfigHas{authAddr, "hub.config.GitHubOAuthenticator.scope", []any{"read:org"}},
					hubConfigHas{authAddr, "hub.extraEnv.OAUTH_CLIENT_SECRET.valueFrom.secretKeyRef.name", "hub-oauth"},
					noneInState{"the OAuth client secret", secretValues},
					noneInState{"a plain hash of the OAuth client secret", hashes},
					keyedFingerprint{e, "github", "gh-secret-value-1"},
				},
				Check: func(*terraform.State) error {
					cfg := e.latest(t).Config
					gh, _ := cfg["hub"].(map[string]any)["config"].(map[string]any)["GitHubOAuthenticator"].(map[string]any)
					if gh["client_id"] != "Iv1.0123456789abcdef" || gh["oauth_callback_url"] != "https://hub.example.org/hub/oauth_callback" {
						return fmt.Errorf("the hub's values lack the GitHub setup: %v", cfg["hub"])
					}
					checksum1 = hubPodAnnotation(t, e, "twoi2chub.2i2c.org/auth-secret-checksum")
					if checksum1 == "" {
						return fmt.Errorf("the hub pod has no secret checksum annotation")
					}
					if want := authFingerprint(t, e, "github", "gh-secret-value-1"); checksum1 != want {
						return fmt.Errorf("the hub pod's annotation is %s, not the keyed fingerprint %s", checksum1, want)
					}
					return nil
				},
			},
			{
				ResourceName:      authAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     e.ns + "/github",
			},
			{
				// Another organization: the auth changes and the hub is upgraded.
				Config: config(`"2i2c-org", "pangeo-data"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(hubAddr, tfjsonpath.New("release_revision"), knownvalue.Int64Exact(2)),
				},
			},
			{
				// Only the secret's content changes: the hub restarts with it.
				PreConfig: func() { setSecret(t, e, "hub-oauth", "gh-secret-value-2") },
				Config:    config(`"2i2c-org", "pangeo-data"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					noneInPlan{"the OAuth client secret", secretValues},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					noneInState{"the OAuth client secret", secretValues},
					noneInState{"a plain hash of the OAuth client secret", hashes},
					keyedFingerprint{e, "github", "gh-secret-value-2"},
				},
				Check: func(*terraform.State) error {
					if now := hubPodAnnotation(t, e, "twoi2chub.2i2c.org/auth-secret-checksum"); now == checksum1 || now == "" {
						return fmt.Errorf("the hub pod's secret checksum did not change (%q)", now)
					}
					return nil
				},
			},
		},
	})
}

// TestAccAuthWriteOnlySecret gives the client secret as a write-only
// attribute to an auth a hub uses: the provider writes it into its Secret,
// and neither plan nor state ever hold it, not even as a plain hash. A new
// value is rolled out by the next apply (the keyed fingerprint changes) and
// the hub restarts with it. Needs a CLI with write-only attributes (1.11+):
// it runs on Terraform 1.13.3 and OpenTofu.
func TestAccAuthWriteOnlySecret(t *testing.T) {
	e := newHubEnv(t)
	secretValues := func() []string { return []string{"wo-secret-value-1", "wo-secret-value-2"} }
	hashes := func() []string { return plainHashes(e.ns, "oidc", secretValues()...) }
	// The secret comes in as an ephemeral variable, as it would from a vault:
	// neither the plan, nor the state, nor the configuration holds it.
	hcl := providerKubeconfig(e.cp) + fmt.Sprintf(`
variable "client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "twoi2chub_auth" "test" {
  name             = "oidc"
  namespace        = %q
  generic_oidc = {
    client_id      = "jupyterhub"
    authorize_url  = "https://sso.example.org/auth"
    token_url      = "https://sso.example.org/token"
    userdata_url   = "https://sso.example.org/userinfo"
    allowed_groups = ["hub-users"]
  }
  client_secret_wo = var.client_secret
}

resource "twoi2chub_hub" "test" {
  name             = %q
  namespace        = %q
  chart_repository = %q
  auth             = twoi2chub_auth.test.hub_config
}
`, e.ns, e.name, e.ns, e.repo)
	secret := func(v string) config.Variables { return config.Variables{"client_secret": config.StringVariable(v)} }
	stored := func() string {
		s, err := e.client.CoreV1().Secrets(e.ns).Get(e.ctx, "twoi2chub-auth-oidc", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return string(s.Data["client-secret"])
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:          hcl,
				ConfigVariables: secret("wo-secret-value-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noneInPlan{"the OAuth client secret", secretValues},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					noneInState{"the OAuth client secret", secretValues},
					noneInState{"a plain hash of the OAuth client secret", hashes},
					keyedFingerprint{e, "oidc", "wo-secret-value-1"},
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact("twoi2chub-auth-oidc")),
					hubConfigHas{authAddr, "hub.config.GenericOAuthenticator.auth_state_groups_key", "oauth_user.groups"},
					hubConfigHas{authAddr, "hub.config.GenericOAuthenticator.manage_groups", true},
				},
				Check: func(*terraform.State) error {
					if got := stored(); got != "wo-secret-value-1" {
						return fmt.Errorf("managed Secret holds %q", got)
					}
					return hubRestartedWith(t, e, "oidc", "wo-secret-value-1")
				},
			},
			{
				ResourceName:            authAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateId:           e.ns + "/oidc",
				ImportStateVerifyIgnore: []string{"client_secret_wo"},
				ConfigVariables:         secret("wo-secret-value-1"),
			},
			{
				Config:          hcl,
				ConfigVariables: secret("wo-secret-value-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(authAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(hubAddr, plancheck.ResourceActionUpdate),
					noneInPlan{"the OAuth client secret", secretValues},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					noneInState{"the OAuth client secret", secretValues},
					noneInState{"a plain hash of the OAuth client secret", hashes},
					keyedFingerprint{e, "oidc", "wo-secret-value-2"},
					statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if got := stored(); got != "wo-secret-value-2" {
						return fmt.Errorf("managed Secret holds %q after the change", got)
					}
					return hubRestartedWith(t, e, "oidc", "wo-secret-value-2")
				},
			},
			{
				// The same value again: nothing to do.
				Config:          hcl,
				ConfigVariables: secret("wo-secret-value-2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccAuthWriteOnlyNeedsNewCLI: an older CLI refuses the write-only
// attribute with a message, at plan, instead of storing the secret.
func TestAccAuthWriteOnlyNeedsNewCLI(t *testing.T) {
	e := newHubEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(version.Must(version.NewVersion("1.10.99")))},
		Steps: []resource.TestStep{{
			Config: providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_auth" "test" {
  name             = "github"
  namespace        = %q
  github           = { client_id = "x", allowed_organizations = ["2i2c-org"] }
  client_secret_wo = "never-stored"
}
`, e.ns),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?i)write-only`),
		}},
	})
}

// TestAccAuthTypes applies each other type on its own and checks the
// OAuthenticator configuration it renders, then imports it.
func TestAccAuthTypes(t *testing.T) {
	e := newHubEnv(t)
	setSecret(t, e, "oauth", "types-secret-value")
	cases := map[string]struct {
		body   string
		checks []statecheck.StateCheck
	}{
		"cilogon": {body: `
  cilogon = {
    client_id = "cilogon:/client_id/0123"
    identity_providers = [
      { entity_id = "https://idp.uni.example/idp/shibboleth", username_claim = "email", strip_domain = "uni.example", allowed_domains = ["uni.example"], default = true },
      { entity_id = "http://github.com/login/oauth/authorize", username_claim = "username", prefix = "github", allow_all = true },
    ]
  }
  client_secret_ref = { name = "oauth", key = "client-secret" }`,
			checks: []statecheck.StateCheck{
				hubConfigHas{authAddr, "hub.config.JupyterHub.authenticator_class", "cilogon"},
				hubConfigHas{authAddr, "hub|config|CILogonOAuthenticator|allowed_idps|https://idp.uni.example/idp/shibboleth|username_derivation|action", "strip_idp_domain"},
			}},
		"google": {body: `
  google = {
    client_id       = "0123-abc.apps.googleusercontent.com"
    allowed_domains = ["school.example"]
  }
  allow_all         = true
  client_secret_ref = { name = "oauth", key = "client-secret" }`,
			checks: []statecheck.StateCheck{
				hubConfigHas{authAddr, "hub.config.JupyterHub.authenticator_class", "google"},
				hubConfigHas{authAddr, "hub.config.GoogleOAuthenticator.hosted_domain", []any{"school.example"}},
				hubConfigHas{authAddr, "hub.config.GoogleOAuthenticator.allow_all", true},
			}},
		"generic_oidc with discovery": {body: fmt.Sprintf(`
  generic_oidc = {
    client_id      = "jupyterhub"
    issuer         = %q
    username_claim = "preferred_username"
    groups_claim   = "roles"
    allowed_groups = ["hub-users"]
    admin_groups   = ["hub-admins"]
  }
  client_secret_ref = { name = "oauth", key = "client-secret" }`, testIssuer),
			checks: []statecheck.StateCheck{
				hubConfigHas{authAddr, "hub.config.JupyterHub.authenticator_class", "generic-oauth"},
				hubConfigHas{authAddr, "hub.config.GenericOAuthenticator.token_url", testIssuer + "/protocol/openid-connect/token"},
				hubConfigHas{authAddr, "hub.config.GenericOAuthenticator.auth_state_groups_key", "oauth_user.roles"},
				hubConfigHas{authAddr, "hub.config.GenericOAuthenticator.admin_groups", []any{"hub-admins"}},
			}},
		"dummy": {body: `
  dummy     = {}
  allow_all = true`,
			checks: []statecheck.StateCheck{
				hubConfigHas{authAddr, "hub.config.JupyterHub.authenticator_class", "dummy"},
				statecheck.ExpectKnownValue(authAddr, tfjsonpath.New("secret_name"), knownvalue.Null()),
			}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			authName := strings.Split(name, " ")[0]
			authName = strings.ReplaceAll(authName, "_", "-")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_auth" "test" {
  name      = %q
  namespace = %q
%s
}
`, authName, e.ns, tc.body),
						ConfigStateChecks: append(tc.checks, noneInState{"the OAuth client secret", func() []string { return []string{"types-secret-value"} }}),
					},
					{ResourceName: authAddr, ImportState: true, ImportStateVerify: true, ImportStateId: e.ns + "/" + authName},
				},
			})
		})
	}
}

// TestAccAuthPlanTimeErrors: settings that cannot work fail at plan.
func TestAccAuthPlanTimeErrors(t *testing.T) {
	cp := testAccPreCheck(t)
	ref := `client_secret_ref = { name = "oauth", key = "client-secret" }`
	cases := []struct{ name, body, want, at string }{
		{"GitHub team without its organization", `github = { client_id = "x", allowed_teams = ["hub-admins"] }
` + ref, "must name the organization too", "github.allowed_teams"},
		{"CILogon without any identity provider", `cilogon = { client_id = "x", identity_providers = [] }
` + ref, "list must contain at least 1 elements", "cilogon.identity_providers"},
		{"invalid e-mail domain", `google = { client_id = "x", allowed_domains = ["@uni.edu"] }
allow_all = true
` + ref, `"@uni.edu" is not an e-mail domain`, "google.allowed_domains"},
		{"admin not allowed to log in", `github = { client_id = "x" }
allowed_users = ["ada"]
admin_users   = ["grace"]
` + ref, `"grace" is an admin but not in allowed_users`, "admin_users"},
		{"OIDC issuer that is not https", `generic_oidc = { client_id = "x", issuer = "http://sso.example.org/realms/lab" }
allow_all = true
` + ref, "tokens and client secrets must only travel over https://", "generic_oidc.issuer"},
		{"allow_all together with allow-lists", `github = { client_id = "x", allowed_organizations = ["2i2c-org"] }
allow_all = true
` + ref, "would have no effect", "allow_all"},
		{"two types at once", `github = { client_id = "x" }
dummy  = {}
allow_all = true`, "Invalid Attribute Combination", "dummy"},
		{"no client secret", `github = { client_id = "x", allowed_organizations = ["2i2c-org"] }`, "Give the OAuth client secret", "client_secret_ref"},
		{"nobody can log in", `github = { client_id = "x" }
` + ref, "Nothing allows anyone in", "allowed_users"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerKubeconfig(cp) + fmt.Sprintf(`
resource "twoi2chub_auth" "test" {
  name      = "auth"
  namespace = "plan-only"
  %s
}
`, tc.body),
					PlanOnly:    true,
					ExpectError: messageAtOrSource(tc.want, tc.at),
				}},
			})
		})
	}
}

// messageAtOrSource is messageAt that also accepts the framework's
// combination errors, which name the attribute in the source line only.
func messageAtOrSource(want, at string) *regexp.Regexp {
	if want == "Invalid Attribute Combination" {
		return regexp.MustCompile(`(?s)Invalid Attribute Combination`)
	}
	return messageAt(want, at)
}

// plainHashes are the unkeyed hashes of secrets that must never be stored:
// plain SHA-256, and the salted one earlier versions kept in state.
// hubRestartedWith checks the hub pod's secret checksum annotation is the
// keyed fingerprint of secret, so the hub restarts when the secret changes.
func hubRestartedWith(t *testing.T, e *hubEnv, authName, secret string) error {
	t.Helper()
	got := hubPodAnnotation(t, e, "twoi2chub.2i2c.org/auth-secret-checksum")
	if want := authFingerprint(t, e, authName, secret); got != want {
		return fmt.Errorf("the hub pod's secret checksum annotation is %q, not the keyed fingerprint of the new secret %s", got, want)
	}
	return nil
}

func plainHashes(ns, name string, secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		plain := sha256.Sum256([]byte(s))
		salted := sha256.Sum256([]byte(ns + "/" + name + "\x00" + s))
		out = append(out, hex.EncodeToString(plain[:]), hex.EncodeToString(salted[:]))
	}
	return out
}

// authFingerprint is the keyed fingerprint of secret, with the key kept in the
// auth's managed Secret.
func authFingerprint(t *testing.T, e *hubEnv, authName, secret string) string {
	t.Helper()
	key, found, err := authstore.FingerprintKeyOf(e.ctx, e.client, e.ns, authName)
	if err != nil || !found {
		t.Fatalf("auth %s has no fingerprint key (found %v, %v)", authName, found, err)
	}
	return authstore.Checksum(key, secret)
}

// keyedFingerprint checks an auth's client_secret_checksum in state is the
// HMAC of secret with the key in the auth's managed Secret.
type keyedFingerprint struct {
	e        *hubEnv
	authName string
	secret   string
}

func (c keyedFingerprint) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	key, found, err := authstore.FingerprintKeyOf(c.e.ctx, c.e.client, c.e.ns, c.authName)
	if err != nil || !found {
		resp.Error = fmt.Errorf("auth %s has no fingerprint key (found %v, %v)", c.authName, found, err)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Type == "twoi2chub_auth" && r.AttributeValues["name"] == c.authName {
			if got, want := r.AttributeValues["client_secret_checksum"], authstore.Checksum(key, c.secret); got != want {
				resp.Error = fmt.Errorf("auth %s: client_secret_checksum %v, want the keyed fingerprint %s", c.authName, got, want)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("no auth %s in state", c.authName)
}

// TestAccAuthFingerprintIsKeyed: two auths reading the same client secret get
// different fingerprints, each the HMAC with its own random key; a changed
// secret changes the fingerprint but not the key; state holds no plain hash.
// (The hub's pod annotation: TestAccAuthGitHubWithHub.)
func TestAccAuthFingerprintIsKeyed(t *testing.T) {
	e := newHubEnv(t)
	setSecret(t, e, "oauth", "shared-secret-value-1")
	secrets := []string{"shared-secret-value-1", "shared-secret-value-2"}
	hashes := func() []string {
		return append(plainHashes(e.ns, "one", secrets...), plainHashes(e.ns, "two", secrets...)...)
	}
	hcl := providerKubeconfig(e.cp) + fmt.Sprintf(`
resource "twoi2chub_auth" "one" {
  name              = "one"
  namespace         = %[1]q
  github            = { client_id = "Iv1.one", allowed_organizations = ["2i2c-org"] }
  client_secret_ref = { name = "oauth", key = "client-secret" }
}

resource "twoi2chub_auth" "two" {
  name              = "two"
  namespace         = %[1]q
  github            = { client_id = "Iv1.two", allowed_organizations = ["2i2c-org"] }
  client_secret_ref = { name = "oauth", key = "client-secret" }
}
`, e.ns)
	var keyOne []byte
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: hcl,
				ConfigStateChecks: []statecheck.StateCheck{
					keyedFingerprint{e, "one", secrets[0]},
					keyedFingerprint{e, "two", secrets[0]},
					noneInState{"a plain hash of the client secret", hashes},
				},
				Check: func(s *terraform.State) error {
					one := s.RootModule().Resources["twoi2chub_auth.one"].Primary.Attributes["client_secret_checksum"]
					two := s.RootModule().Resources["twoi2chub_auth.two"].Primary.Attributes["client_secret_checksum"]
					if one == "" || one == two {
						return fmt.Errorf("two auths with the same secret have fingerprints %q and %q", one, two)
					}
					keyOne, _, _ = authstore.FingerprintKeyOf(e.ctx, e.client, e.ns, "one")
					return nil
				},
			},
			{
				// Refresh reads the new secret's fingerprint (a hub using the
				// auth would then plan its restart).
				PreConfig: func() { setSecret(t, e, "oauth", secrets[1]) },
				Config:    hcl,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("twoi2chub_auth.one", tfjsonpath.New("client_secret_checksum"),
						knownvalue.StringFunc(func(v string) error {
							if k, _, _ := authstore.FingerprintKeyOf(e.ctx, e.client, e.ns, "one"); v != authstore.Checksum(k, secrets[1]) {
								return fmt.Errorf("planned fingerprint %s is not the keyed one of the new secret", v)
							}
							return nil
						})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					keyedFingerprint{e, "one", secrets[1]},
					noneInState{"a plain hash of the client secret", hashes},
				},
				Check: func(*terraform.State) error {
					if now, _, _ := authstore.FingerprintKeyOf(e.ctx, e.client, e.ns, "one"); !bytes.Equal(now, keyOne) {
						return fmt.Errorf("the fingerprint key changed on apply")
					}
					return nil
				},
			},
			{Config: hcl, PlanOnly: true},
		},
	})
}
