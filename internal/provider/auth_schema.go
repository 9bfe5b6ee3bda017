package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

var authTypes = []string{"github", "cilogon", "google", "generic_oidc", "dummy"}

// exactlyOneType is put on each type block: exactly one of them is set.
func exactlyOneType(self string) []validator.Object {
	var others []path.Expression
	for _, t := range authTypes {
		if t != self {
			others = append(others, path.MatchRoot(t))
		}
	}
	return []validator.Object{objectvalidator.ExactlyOneOf(others...)}
}

func clientIDAttribute(example string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "OAuth client ID the identity provider gave the hub, e.g. `\"" + example + "\"`.",
		Validators:          []validator.String{nonEmpty()},
	}
}

func stringSetAttribute(description string, element ...validator.String) schema.SetAttribute {
	return schema.SetAttribute{
		Optional:            true,
		ElementType:         types.StringType,
		MarkdownDescription: description,
		Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(append([]validator.String{nonEmpty()}, element...)...)},
	}
}

func (r *AuthResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who may log in to a hub: one JupyterHub OAuthenticator setup (GitHub, CILogon, Google or a generic " +
			"OpenID Connect server), or `dummy` for tests. A `twoi2chub_hub` uses it through `auth = twoi2chub_auth.<name>.hub_config`.\n\n" +
			"The OAuth client secret never reaches the hub's chart values, the plan or the state: it is read from a Kubernetes " +
			"Secret (`client_secret_ref`), or given as the write-only `client_secret_wo` (Terraform 1.11+ and OpenTofu 1.11+), which " +
			"the provider writes into a Secret it manages. The hub gets it as the `OAUTH_CLIENT_SECRET` environment variable from " +
			"that Secret, and restarts when its content changes. With Terraform or OpenTofu older than 1.11, `client_secret_wo` is " +
			"refused: create the Secret yourself and use `client_secret_ref`.\n\n" +
			"Tell the identity provider the `callback_url` (`https://<domain>/hub/oauth_callback`).\n\n" +
			"The settings (never the secret) are kept in a ConfigMap `twoi2chub-auth-<name>` in the namespace, so that an auth " +
			"can be imported and changes made outside Terraform show in the plan.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute(),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of this setup, e.g. `\"github\"`; its objects are named `twoi2chub-auth-<name>`.",
				Validators:          []validator.String{checkString(validate.ReleaseName)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"namespace": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Namespace of the hub that uses it (the secret must live there); created if missing.",
				Validators:          []validator.String{checkString(validate.Namespace)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"domain": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The hub's domain, e.g. `\"hub.example.org\"`, from which `callback_url` is made. A hub with a `domain` fills the callback in itself when this is unset; set it to read `callback_url` before the hub exists. It must match the hub's domain.",
				Validators:          []validator.String{checkString(validate.DNSName)},
			},
			"github": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Log in with GitHub (`GitHubOAuthenticator`). Register an OAuth app at github.com/settings/developers.",
				Validators:          exactlyOneType("github"),
				Attributes: map[string]schema.Attribute{
					"client_id":             clientIDAttribute("Iv1.0123456789abcdef"),
					"allowed_organizations": stringSetAttribute("Members of these organizations may log in, e.g. `[\"2i2c-org\"]`. Needs the `read:org` scope, which is requested for you."),
					"allowed_teams":         stringSetAttribute("Members of these teams may log in, each written `\"org:team\"` with the team's slug, e.g. `[\"pangeo-data:hackweek-2026\"]`."),
				},
			},
			"cilogon": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Log in through CILogon with an institution's identity provider (`CILogonOAuthenticator`). Register a client at cilogon.org/oauth2/register.",
				Validators:          exactlyOneType("cilogon"),
				Attributes: map[string]schema.Attribute{
					"client_id": clientIDAttribute("cilogon:/client_id/0123"),
					"identity_providers": schema.ListNestedAttribute{
						Required:            true,
						MarkdownDescription: "Identity providers people choose from; at least one.",
						Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"entity_id": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
								MarkdownDescription: "The provider's EntityID as listed at cilogon.org/idplist, e.g. `\"https://idp.uni.edu/idp/shibboleth\"` or `\"http://github.com/login/oauth/authorize\"`."},
							"username_claim": schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()},
								MarkdownDescription: "Claim that becomes the user name, e.g. `\"email\"`, `\"eppn\"` or `\"username\"`."},
							"strip_domain":    schema.StringAttribute{Optional: true, MarkdownDescription: "Domain stripped from user names, e.g. `\"uni.edu\"` turns `ada@uni.edu` into `ada`."},
							"prefix":          schema.StringAttribute{Optional: true, Validators: []validator.String{nonEmpty()}, MarkdownDescription: "Prefix added to user names (`prefix:name`), to keep providers apart."},
							"allowed_domains": stringSetAttribute("E-mail domains allowed in from this provider, e.g. `[\"uni.edu\", \"*.uni.edu\"]`."),
							"allow_all": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
								MarkdownDescription: "Whether everyone who can log in at this provider may use the hub. Default `false`."},
							"default": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
								MarkdownDescription: "Whether this provider is preselected. Default `false`."},
						}},
					},
				},
			},
			"google": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Log in with Google accounts (`GoogleOAuthenticator`). Create OAuth credentials in the Google Cloud console.",
				Validators:          exactlyOneType("google"),
				Attributes: map[string]schema.Attribute{
					"client_id":       clientIDAttribute("0123-abc.apps.googleusercontent.com"),
					"allowed_domains": stringSetAttribute("Only accounts of these Workspace domains may log in, e.g. `[\"uni.edu\"]`. This restricts; who is let in comes from `allowed_users`, `allowed_groups` or `allow_all`."),
					"allowed_groups":  stringSetAttribute("Members of these Google groups may log in, e.g. `[\"students@uni.edu\"]`. Needs `groups_admin_email` and `service_account_key_secret`."),
					"admin_groups":    stringSetAttribute("Members of these Google groups are admins."),
					"groups_admin_email": schema.StringAttribute{Optional: true, Validators: []validator.String{checkString(validate.Email)},
						MarkdownDescription: "A Workspace administrator the service account acts as to read group membership, e.g. `\"admin@uni.edu\"`."},
					"service_account_key_secret": schema.SingleNestedAttribute{
						Optional:            true,
						MarkdownDescription: "Secret in the namespace holding the service account's JSON key, mounted into the hub.",
						Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.ObjectName)}, MarkdownDescription: "Secret name."},
							"key":  schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()}, MarkdownDescription: "Key holding the JSON key file, e.g. `\"key.json\"`."},
						},
					},
				},
			},
			"generic_oidc": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Log in with any OpenID Connect server: Keycloak, Auth0, Azure AD, Okta... (`GenericOAuthenticator`). Give " +
					"`issuer` (endpoints are discovered during plan) or the three endpoint URLs.",
				Validators: exactlyOneType("generic_oidc"),
				Attributes: map[string]schema.Attribute{
					"client_id":     clientIDAttribute("jupyterhub"),
					"issuer":        schema.StringAttribute{Optional: true, MarkdownDescription: "Issuer URL, e.g. `\"https://sso.example.org/realms/lab\"`; its `/.well-known/openid-configuration` gives the endpoints. Must be https."},
					"authorize_url": schema.StringAttribute{Optional: true, MarkdownDescription: "Authorization endpoint, when not discovered. Must be https."},
					"token_url":     schema.StringAttribute{Optional: true, MarkdownDescription: "Token endpoint, when not discovered. Must be https."},
					"userdata_url":  schema.StringAttribute{Optional: true, MarkdownDescription: "User info endpoint, when not discovered. Must be https."},
					"username_claim": schema.StringAttribute{Optional: true, Validators: []validator.String{nonEmpty()},
						MarkdownDescription: "Claim that becomes the user name, e.g. `\"preferred_username\"`; OAuthenticator's default otherwise."},
					"scopes": schema.ListAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Scopes requested, e.g. `[\"openid\", \"profile\", \"email\"]`."},
					"groups_claim": schema.StringAttribute{Optional: true, Validators: []validator.String{nonEmpty()},
						MarkdownDescription: "Claim carrying the user's groups; default `\"groups\"`. Rendered as `auth_state_groups_key = \"oauth_user.<claim>\"` (the newer spelling of `claim_groups_key`)."},
					"allowed_groups": stringSetAttribute("Members of these groups may log in."),
					"admin_groups":   stringSetAttribute("Members of these groups are admins."),
					"login_service": schema.StringAttribute{Optional: true, Validators: []validator.String{nonEmpty()},
						MarkdownDescription: "Name on the login button, e.g. `\"University SSO\"`."},
				},
			},
			"dummy": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "**For testing only.** JupyterHub's dummy authenticator lets anyone in with any user name; the plan warns " +
					"about it. Write `dummy = {}` with `allow_all = true`.",
				Validators: exactlyOneType("dummy"),
				Attributes: map[string]schema.Attribute{},
			},
			"client_secret_ref": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "An existing Secret in the namespace holding the OAuth client secret. Works with every Terraform and OpenTofu version.",
				Validators:          []validator.Object{objectvalidator.ConflictsWith(path.MatchRoot("client_secret_wo"))},
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, Validators: []validator.String{checkString(validate.ObjectName)}, MarkdownDescription: "Secret name, e.g. `\"hub-oauth\"`."},
					"key":  schema.StringAttribute{Required: true, Validators: []validator.String{nonEmpty()}, MarkdownDescription: "Key of the client secret in it, e.g. `\"client-secret\"`."},
				},
			},
			"client_secret_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The OAuth client secret, write-only: Terraform passes it to the provider and never stores it, in the " +
					"plan or in state. The provider writes it to the Secret `twoi2chub-auth-<name>`; state keeps only a keyed fingerprint (see `client_secret_checksum`). " +
					"Needs Terraform 1.11+ or OpenTofu 1.11+.",
				Validators: []validator.String{nonEmpty()},
			},
			"allowed_users": stringSetAttribute("User names allowed to log in."),
			"admin_users":   stringSetAttribute("User names with admin rights. With only `allowed_users` letting people in, each admin must be in it."),
			"allow_all": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Let in everyone the identity provider authenticates. Never implied; cannot be combined with allow-lists. Default `false`.",
			},
			"callback_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The OAuth callback URL to register with the identity provider, `https://<domain>/hub/oauth_callback`; null without `domain`.",
			},
			"secret_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Secret the hub reads the client secret from; null for `dummy`.",
			},
			"client_secret_checksum": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Fingerprint of the client secret: an HMAC-SHA256 keyed by a random key that the provider creates once " +
					"in the Secret `twoi2chub-auth-<name>` and keeps, so it tells nothing about the secret to whoever reads the state. It changes when " +
					"the secret does, which restarts the hub. Unknown in the plan that creates the auth (the key does not exist yet).",
			},
			"hub_config": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The chart values (JSON) a hub merges in: `hub.config` for the authenticator, and `hub.extraEnv` " +
					"reading the secret from its Secret. Pass it to `twoi2chub_hub.auth`. It holds no secret.",
			},
		},
	}
}
