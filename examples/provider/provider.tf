terraform {
  # Terraform 1.8 or later, or OpenTofu 1.8 or later; write-only attributes
  # (twoi2chub_auth's client_secret_wo) need 1.11 or later of either.
  required_version = ">= 1.8.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}

# Connect with the address and CA certificate of a cluster created in the same
# configuration, for example a google_container_cluster's endpoint and
# master_auth[0].cluster_ca_certificate. The values may be unknown during the
# first plan: the provider connects only when a resource or data source needs
# the cluster.
provider "twoi2chub" {
  kubernetes = {
    host                   = "https://${var.cluster_endpoint}"
    cluster_ca_certificate = base64decode(var.cluster_ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
    }
  }
  # The cluster is a GKE cluster: plans that change a hub check its profiles
  # against the node pools, those scaled to zero included (modules/gke's
  # gke_cluster output is this object).
  gke = {
    project  = var.project_id
    location = "us-central1"
    cluster  = "hackweek"
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
