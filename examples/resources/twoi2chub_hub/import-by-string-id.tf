# Bring a hub that was installed with helm under Terraform. The ID is
# <namespace>/<release>. `terraform plan -generate-config-out=hub.tf` writes the
# hub's settings, read back from the release, as HCL: values with a typed
# attribute become that attribute, the rest goes to extra_values, and the
# generated configuration plans with no changes. Secrets in the release's
# values (an OAuth client_secret in hub.config, hub.db.password...) are left
# out; the plan warns which, and applying would remove them from the release
# until they come from a twoi2chub_auth or a Kubernetes Secret.
import {
  to = twoi2chub_hub.hackweek
  id = "hackweek/hub"
}
