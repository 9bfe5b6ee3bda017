# The demo `make demo` applies on the local control plane: it reads the
# cluster, builds the community's environment image from a git repository,
# and deploys a hub from the z2jh-shaped test chart in testdata/ (the real
# chart cannot be downloaded here) whose "Hackweek" profile runs that image.
# The provider finds the cluster through KUBE_CONFIG_PATH, and the repository
# and registry through the variables below, which the demo script sets. On the
# test bed a stand-in plays the build pod (no kubelet runs repo2docker there).
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}

variable "chart_path" {
  type        = string
  description = "Path to the z2jh-shaped test chart (set by scripts/demo.sh)."
}

variable "env_repository" {
  type        = string
  description = "Git URL of the environment repository (set by scripts/demo.sh)."
}

variable "image_registry" {
  type        = string
  description = "Registry host to push the image to (set by scripts/demo.sh)."
}

provider "twoi2chub" {}

data "twoi2chub_cluster" "this" {}

resource "twoi2chub_user_image" "hackweek" {
  repository = var.env_repository
  ref        = "main"
  image      = "${var.image_registry}/demo/hackweek-env"
  builder = {
    namespace   = "demo-builds"
    push_secret = "push"
  }
}

resource "twoi2chub_auth" "demo" {
  name      = "demo"
  namespace = "demo"
  dummy     = {}
  allow_all = true
}

resource "twoi2chub_hub" "demo" {
  name          = "demo"
  namespace     = "demo"
  chart_path    = var.chart_path
  chart_version = "4.4.0"

  image = "quay.io/jupyter/scipy-notebook:2025-01-06"
  auth  = twoi2chub_auth.demo.hub_config
  profiles = [
    { display_name = "Small", default = true, cpu_limit = 1, memory_limit = "2G" },
    { display_name = "Hackweek", memory_limit = "4G", image = twoi2chub_user_image.hackweek.image_digest_ref },
    { display_name = "GPU", memory_limit = "16G", gpu = { count = 1, tolerations = [{ key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" }] } },
  ]
  storage      = { type = "dynamic", capacity = "10Gi" }
  culling      = { enabled = true, timeout = 1800 }
  admin_users  = ["ada"]
  node_purpose = { core = "require" }

  # The demo cluster is disposable: remove everything on destroy.
  delete_user_data = true
}

output "cluster" {
  value = {
    kubernetes_version = data.twoi2chub_cluster.this.server_version
    ready_for_hub      = data.twoi2chub_cluster.this.ready_for_hub
    node_pools         = { for k, v in data.twoi2chub_cluster.this.node_pools : k => "${v.nodes} nodes, ${v.cpu} CPU, ${v.memory}, ${v.gpus} GPU" }
  }
}

output "image" {
  value = {
    commit           = twoi2chub_user_image.hackweek.commit
    image_digest_ref = twoi2chub_user_image.hackweek.image_digest_ref
  }
}

output "hub" {
  value = {
    id               = twoi2chub_hub.demo.id
    status           = twoi2chub_hub.demo.status
    release_revision = twoi2chub_hub.demo.release_revision
    app_version      = twoi2chub_hub.demo.app_version
    values_checksum  = twoi2chub_hub.demo.values_checksum
  }
}
