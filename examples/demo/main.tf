# The demo `make demo` applies on the local control plane: it reads the
# cluster, then deploys a hub from the z2jh-shaped test chart in testdata/
# (the real chart cannot be downloaded here). The provider finds the cluster
# through KUBE_CONFIG_PATH, which the demo script sets.
terraform {
  required_providers {
    twoi2chub = {
      source = "2i2c-org/twoi2chub"
    }
  }
}

variable "chart_path" {
  type        = string
  description = "Path to the z2jh-shaped test chart (set by scripts/demo.sh)."
}

provider "twoi2chub" {}

data "twoi2chub_cluster" "this" {}

resource "twoi2chub_hub" "demo" {
  name          = "hub"
  namespace     = "demo"
  chart_path    = var.chart_path
  chart_version = "4.4.0"

  image = "quay.io/jupyter/scipy-notebook:2025-01-06"
  profiles = [
    { display_name = "Small", default = true, cpu_limit = 1, memory_limit = "2G" },
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

output "hub" {
  value = {
    id               = twoi2chub_hub.demo.id
    status           = twoi2chub_hub.demo.status
    release_revision = twoi2chub_hub.demo.release_revision
    app_version      = twoi2chub_hub.demo.app_version
    values_checksum  = twoi2chub_hub.demo.values_checksum
  }
}
