output "hub_url" {
  description = "Where people reach the hub, once `domain` points at `hub_ip`."
  value       = twoi2chub_hub.this.url
}

output "hub_ip" {
  description = "The hub's reserved address: the A record of `domain` must point here."
  value       = google_compute_address.hub.address
}

output "oauth_callback_url" {
  description = "The callback URL to register in the GitHub OAuth app."
  value       = twoi2chub_auth.github.callback_url
}

output "image_registry" {
  description = "Where user images are pushed, e.g. `us-central1-docker.pkg.dev/hackweek-hub/user-images`."
  value       = module.gke.image_registry
}

output "image_builder" {
  description = "The Kubernetes namespace and ServiceAccount user image builds run as, and the Google service account they act as."
  value       = module.gke.image_builder
}

output "get_credentials_command" {
  description = "Run it to use `kubectl` on the cluster."
  value       = module.gke.get_credentials_command
}

output "buckets" {
  description = "The hub's scratch and persistent buckets (users see them as `$SCRATCH_BUCKET` and `$PERSISTENT_BUCKET`)."
  value       = { scratch = local.hub_cloud.scratch_bucket, persistent = local.hub_cloud.persistent_bucket }
}
