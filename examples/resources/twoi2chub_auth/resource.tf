# GitHub: members of an organization, or of teams ("org:team"), may log in.
# Register an OAuth app with the callback https://hub.example.org/hub/oauth_callback.
resource "twoi2chub_auth" "github" {
  name      = "github"
  namespace = "hackweek"
  domain    = "hub.example.org"
  github = {
    client_id             = "Iv1.0123456789abcdef"
    allowed_organizations = ["2i2c-org"]
    allowed_teams         = ["pangeo-data:hackweek-2026"]
  }
  # A Secret you created: kubectl -n hackweek create secret generic hub-oauth --from-literal=client-secret=...
  client_secret_ref = { name = "hub-oauth", key = "client-secret" }
  admin_users       = ["yuvi"]
}

# CILogon: people log in with their institution's account.
resource "twoi2chub_auth" "cilogon" {
  name      = "cilogon"
  namespace = "research"
  domain    = "jupyter.uni.edu"
  cilogon = {
    client_id = "cilogon:/client_id/0123456789"
    identity_providers = [
      {
        entity_id       = "https://idp.uni.edu/idp/shibboleth"
        username_claim  = "email"
        strip_domain    = "uni.edu"
        allowed_domains = ["uni.edu"]
        default         = true
      },
      {
        entity_id      = "http://github.com/login/oauth/authorize"
        username_claim = "username"
        prefix         = "github"
        allow_all      = true
      },
    ]
  }
  client_secret_ref = { name = "cilogon-client", key = "client-secret" }
}

# Google: accounts of a Workspace domain. The domain only restricts; allow_all
# lets in everyone of it (or use allowed_users / allowed_groups).
resource "twoi2chub_auth" "google" {
  name      = "google"
  namespace = "school"
  domain    = "jupyter.school.example"
  google = {
    client_id       = "0123-abc.apps.googleusercontent.com"
    allowed_domains = ["school.example"]
  }
  allow_all = true
  # Write-only (Terraform 1.11+, OpenTofu 1.11+): never in the plan or state.
  client_secret_wo = var.google_client_secret
}

variable "google_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

# Any OpenID Connect server (Keycloak here); endpoints are discovered from the issuer.
resource "twoi2chub_auth" "keycloak" {
  name      = "keycloak"
  namespace = "lab"
  domain    = "hub.lab.example"
  generic_oidc = {
    client_id      = "jupyterhub"
    issuer         = "https://sso.lab.example/realms/lab"
    username_claim = "preferred_username"
    scopes         = ["openid", "profile", "email"]
    groups_claim   = "groups"
    allowed_groups = ["hub-users"]
    admin_groups   = ["hub-admins"]
    login_service  = "Lab SSO"
  }
  client_secret_ref = { name = "keycloak-client", key = "client-secret" }
}

# For tests only: anyone can log in with any user name.
resource "twoi2chub_auth" "testing" {
  name      = "testing"
  namespace = "sandbox"
  dummy     = {}
  allow_all = true
}

# A hub uses one of them.
resource "twoi2chub_hub" "hackweek" {
  name      = "hackweek"
  namespace = "hackweek"
  domain    = "hub.example.org"
  https     = { mode = "letsencrypt", contact_email = "it@example.org" }
  auth      = twoi2chub_auth.github.hub_config
}

output "github_callback_url" {
  value = twoi2chub_auth.github.callback_url
}
