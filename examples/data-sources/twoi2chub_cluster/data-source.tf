# Is this cluster ready for a hub?
data "twoi2chub_cluster" "this" {}

output "cluster_ready_for_hub" {
  value = data.twoi2chub_cluster.this.ready_for_hub
}

output "cluster_problems" {
  value = data.twoi2chub_cluster.this.problems
}

# Allocatable resources of the user node pool, e.g. to size profiles.
output "user_pool" {
  value = data.twoi2chub_cluster.this.node_pools["user"]
}

# Refuse to go on when the cluster cannot run a hub.
check "cluster_can_run_a_hub" {
  assert {
    condition     = data.twoi2chub_cluster.this.ready_for_hub
    error_message = "The cluster is not ready for a hub: ${join("; ", data.twoi2chub_cluster.this.problems)}"
  }
}
