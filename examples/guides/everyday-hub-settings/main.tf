# A community's hub from HCL alone: branding from files next to this one,
# its OAuth client secret and a hub service's token write-only (never in
# state), a private image pulled with a Secret, and z2jh's security defaults.
terraform {
  # The OAuth client secret and the secret values are write-only arguments:
  # Terraform 1.11+ or OpenTofu 1.11+ passes them on without storing them.
  required_version = ">= 1.11"

  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}

variable "oauth_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "grader_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "twoi2chub_auth" "github" {
  name      = "github"
  namespace = "hackweek"
  github = {
    client_id             = "Iv1.0123456789abcdef"
    allowed_organizations = ["hackweek-2026"]
  }
  domain           = "hackweek.example.org"
  client_secret_wo = var.oauth_client_secret
}

resource "twoi2chub_hub" "hackweek" {
  name      = "hackweek"
  namespace = "hackweek"
  domain    = "hackweek.example.org"
  https     = { mode = "letsencrypt", contact_email = "it@example.org" }
  auth      = twoi2chub_auth.github.hub_config

  image              = "us-central1-docker.pkg.dev/hackweek/images/notebook:2026-11"
  image_pull_secrets = ["registry-pull"]

  branding = {
    logo          = filebase64("${path.module}/logo.png")
    templates     = { "login.html" = file("${path.module}/templates/login.html") }
    template_vars = { announcement_login = "Log in with your GitHub account." }
  }

  secret_values_wo = yamlencode({
    hub = { services = { grader = { api_token = var.grader_token } } }
  })
}

output "dns_record_target" {
  description = "Point hackweek.example.org here."
  value       = twoi2chub_hub.hackweek.public_address
}
