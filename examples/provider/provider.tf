# Connect with the outputs of a cluster module created in the same configuration.
# The values may be unknown during the first plan: the provider connects only
# when a resource or data source needs the cluster.
provider "twoi2chub" {
  kubernetes = {
    host                   = "https://${module.gke.endpoint}"
    cluster_ca_certificate = base64decode(module.gke.ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
    }
  }
}

# Or use a kubeconfig file and one of its contexts.
provider "twoi2chub" {
  alias = "kubeconfig"
  kubernetes = {
    config_path    = "~/.kube/config"
    config_context = "my-cluster"
  }
}
