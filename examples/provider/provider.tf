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

# Private chart repositories: credentials and CAs, used by every hub whose
# chart_repository starts with an entry's url. Provider settings are never
# stored in state.
provider "twoi2chub" {
  alias = "private_charts"
  kubernetes = {
    config_path = "~/.kube/config"
  }
  chart_repositories = [
    {
      url            = "https://charts.example.org/"
      username       = "hub-team"
      password       = var.charts_password
      ca_certificate = file("${path.module}/charts-ca.pem")
    },
    {
      url      = "oci://europe-docker.pkg.dev/my-project/charts"
      username = "oauth2accesstoken"
      password = data.google_client_config.default.access_token
    },
  ]
}
