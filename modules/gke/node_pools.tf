# Node pools: one always-on core pool, then the user (nb-*) and Dask (dask-*)
# pools, normalised into one map so each pool is planned the same way.

locals {
  core_pool = {
    "core-pool" = {
      kind            = "core"
      machine_type    = var.core_node_machine_type
      min             = 1
      max             = var.core_node_max_count
      spot            = false
      disk_type       = "pd-balanced"
      disk_size_gb    = var.core_node_disk_size_gb
      zones           = null
      gpu             = null
      resource_labels = {}
      version         = var.k8s_versions.core_nodes_version
      labels = {
        "hub.jupyter.org/node-purpose" = "core"
        "k8s.dask.org/node-purpose"    = "core"
      }
      taints = []
    }
  }

  notebook_pools = { for k, p in var.notebook_nodes : "nb-${k}" => merge(p, {
    kind    = "notebook"
    version = var.k8s_versions.notebook_nodes_version
    # Dask schedulers run beside the notebooks that start them.
    labels = merge(p.labels, {
      "hub.jupyter.org/node-purpose" = "user"
      "k8s.dask.org/node-purpose"    = "scheduler"
    })
    taints = concat([local.user_taint], p.gpu == null ? [] : [local.gpu_taint], p.taints)
  }) }

  dask_pools = { for k, p in var.dask_nodes : "dask-${k}" => merge(p, {
    kind    = "dask"
    version = var.k8s_versions.dask_nodes_version
    labels  = merge(p.labels, { "k8s.dask.org/node-purpose" = "worker" })
    taints  = concat([local.dask_taint], p.gpu == null ? [] : [local.gpu_taint], p.taints)
  }) }

  pools = merge(local.core_pool, local.notebook_pools, local.dask_pools)
}

resource "google_container_node_pool" "pool" {
  for_each = local.pools

  project        = var.project_id
  cluster        = google_container_cluster.this.name
  location       = google_container_cluster.this.location
  name           = each.key
  node_locations = each.value.zones
  version        = local.pinned ? each.value.version : null

  # Per zone, at creation only (ignored afterwards: the autoscaler owns the size).
  initial_node_count = ceil(each.value.min / max(length(coalesce(each.value.zones, [var.zone])), 1))
  autoscaling {
    total_min_node_count = each.value.min
    total_max_node_count = each.value.max
    location_policy      = "ANY"
  }

  management {
    auto_repair = true
    # Release channels require auto-upgrade; pinned versions forbid it.
    auto_upgrade = !local.pinned
  }

  node_config {
    machine_type    = each.value.machine_type
    spot            = each.value.spot
    disk_type       = each.value.disk_type
    disk_size_gb    = each.value.disk_size_gb
    labels          = each.value.labels
    resource_labels = merge(each.value.resource_labels, local.labels, { "twoi2chub-node-pool" = each.key })
    service_account = local.node_service_account
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    # Pods see the GKE metadata server (Workload Identity), never the node's
    # own credentials or instance metadata.
    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    dynamic "taint" {
      for_each = each.value.taints
      content {
        key    = taint.value.key
        value  = taint.value.value
        effect = taint.value.effect
      }
    }

    dynamic "guest_accelerator" {
      for_each = each.value.gpu == null ? [] : [each.value.gpu]
      content {
        type  = guest_accelerator.value.type
        count = guest_accelerator.value.count
        gpu_driver_installation_config {
          gpu_driver_version = guest_accelerator.value.driver_version
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [initial_node_count]
  }
}
