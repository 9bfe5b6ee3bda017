# The demo `make demo` applies on the local control plane. The provider reads
# the cluster from KUBE_CONFIG_PATH, which the demo script sets.
terraform {
  required_providers {
    twoi2chub = {
      source = "2i2c-org/twoi2chub"
    }
  }
}

provider "twoi2chub" {}

data "twoi2chub_cluster" "this" {}

output "kubernetes_version" {
  value = data.twoi2chub_cluster.this.server_version
}

output "ready_for_hub" {
  value = data.twoi2chub_cluster.this.ready_for_hub
}

output "problems" {
  value = data.twoi2chub_cluster.this.problems
}

output "node_pools" {
  value = data.twoi2chub_cluster.this.node_pools
}
