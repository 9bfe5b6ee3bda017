output "hub_url" {
  description = "Where people reach the hub, once `domain` is a CNAME of the proxy's load balancer."
  value       = twoi2chub_hub.this.url
}

output "load_balancer_command" {
  description = "Run it (after `get_credentials_command`) to print the proxy's load balancer name, which `domain` must be a CNAME of."
  value       = "kubectl -n ${var.hub_namespace} get service proxy-public -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'"
}

output "oauth_callback_url" {
  description = "The callback URL to register in the GitHub OAuth app."
  value       = twoi2chub_auth.github.callback_url
}

output "image_registry" {
  description = "Where user images are pushed, e.g. `123456789012.dkr.ecr.us-west-2.amazonaws.com/user-images`."
  value       = module.eks.image_registry
}

output "image_builder" {
  description = "The Kubernetes namespace and ServiceAccount user image builds run as, and the IAM role they act as."
  value       = module.eks.image_builder
}

output "get_credentials_command" {
  description = "Run it to use `kubectl` on the cluster."
  value       = module.eks.get_credentials_command
}

output "cluster_autoscaler" {
  description = "The cluster-autoscaler's settings (cluster, region, IRSA annotation), for the cluster support services (see the README)."
  value       = module.eks.cluster_autoscaler
}

output "buckets" {
  description = "The hub's scratch and persistent buckets (users see them as `$SCRATCH_BUCKET` and `$PERSISTENT_BUCKET`)."
  value       = { scratch = local.hub_cloud.scratch_bucket, persistent = local.hub_cloud.persistent_bucket }
}
