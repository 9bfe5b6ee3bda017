output "hub_url" {
  description = "Where people reach the hub, once `domain` points at `hub_ip`."
  value       = twoi2chub_hub.this.url
}

output "hub_ip" {
  description = "The hub's reserved address: the A record of `domain` must point here."
  value       = azurerm_public_ip.hub.ip_address
}

output "oauth_callback_url" {
  description = "The callback URL to register in the GitHub OAuth app."
  value       = twoi2chub_auth.github.callback_url
}

output "image_registry" {
  description = "Where user images are pushed, e.g. `hackweekimages.azurecr.io`; null without `image_registry_name`."
  value       = module.aks.image_registry
}

output "image_builder" {
  description = "The Kubernetes namespace and ServiceAccount user image builds run as, and the managed identity they act as."
  value       = module.aks.image_builder
}

output "get_credentials_command" {
  description = "Run it to use `kubectl` on the cluster (then `kubelogin convert-kubeconfig -l azurecli`)."
  value       = module.aks.get_credentials_command
}

output "buckets" {
  description = "The hub's scratch and persistent containers (users see them as `$SCRATCH_BUCKET` and `$PERSISTENT_BUCKET`)."
  value       = { scratch = local.hub_cloud.scratch_bucket, persistent = local.hub_cloud.persistent_bucket }
}
