# Node pools: the always-on core pool (the cluster's default pool, in main.tf),
# then the user (nb*) and Dask (dask*) pools, normalised into one map keyed as
# in modules/gke (core-pool, nb-<name>, dask-<name>) so that stacks find the
# same keys on every cloud; `aks_name` is the pool's name on AKS, which allows
# letters and digits only.

locals {
  core_pool_name = "core"

  core_pool = {
    "core-pool" = {
      kind            = "core"
      aks_name        = local.core_pool_name
      machine_type    = var.core_node_machine_type
      min             = 1
      max             = var.core_node_max_count
      spot            = false
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

  user_taint = { key = "hub.jupyter.org_dedicated", value = "user", effect = "NO_SCHEDULE" }
  dask_taint = { key = "k8s.dask.org_dedicated", value = "worker", effect = "NO_SCHEDULE" }
  gpu_taint  = { key = "nvidia.com/gpu", value = "present", effect = "NO_SCHEDULE" }
  # AKS taints and labels spot nodes itself; declaring them avoids a diff on every plan.
  spot_taint = { key = "kubernetes.azure.com/scalesetpriority", value = "spot", effect = "NO_SCHEDULE" }
  spot_label = { "kubernetes.azure.com/scalesetpriority" = "spot" }

  notebook_pools = { for k, p in var.notebook_nodes : "nb-${k}" => merge(p, {
    kind     = "notebook"
    aks_name = "nb${k}"
    version  = var.k8s_versions.notebook_nodes_version
    labels = merge(p.labels, p.spot ? local.spot_label : {}, {
      "hub.jupyter.org/node-purpose" = "user"
      "k8s.dask.org/node-purpose"    = "scheduler"
    })
    taints = concat([local.user_taint], p.gpu == null ? [] : [local.gpu_taint], p.spot ? [local.spot_taint] : [], p.taints)
  }) }

  dask_pools = { for k, p in var.dask_nodes : "dask-${k}" => merge(p, {
    kind     = "dask"
    aks_name = "dask${k}"
    version  = var.k8s_versions.dask_nodes_version
    labels   = merge(p.labels, p.spot ? local.spot_label : {}, { "k8s.dask.org/node-purpose" = "worker" })
    taints   = concat([local.dask_taint], p.gpu == null ? [] : [local.gpu_taint], p.spot ? [local.spot_taint] : [], p.taints)
  }) }

  pools      = merge(local.core_pool, local.notebook_pools, local.dask_pools)
  user_pools = merge(local.notebook_pools, local.dask_pools)

  # Kubernetes spells effects NoSchedule; GKE and EKS NO_SCHEDULE.
  k8s_effect = { NO_SCHEDULE = "NoSchedule", PREFER_NO_SCHEDULE = "PreferNoSchedule", NO_EXECUTE = "NoExecute" }
}

resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  for_each = local.user_pools

  name                  = each.value.aks_name
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  mode                  = "User"
  vm_size               = each.value.machine_type
  vnet_subnet_id        = local.subnet_id
  zones                 = each.value.zones != null ? each.value.zones : (var.zone == null ? null : [var.zone])
  orchestrator_version  = each.value.version
  os_disk_size_gb       = each.value.disk_size_gb

  # AKS's cluster autoscaler scales every pool, from zero too.
  auto_scaling_enabled = true
  min_count            = each.value.min
  max_count            = each.value.max

  priority        = each.value.spot ? "Spot" : "Regular"
  eviction_policy = each.value.spot ? "Delete" : null
  spot_max_price  = each.value.spot ? -1 : null
  gpu_driver      = each.value.gpu == null ? null : "Install"

  node_labels = each.value.labels
  node_taints = [for t in each.value.taints : "${t.key}=${t.value}:${local.k8s_effect[t.effect]}"]

  tags = merge(each.value.resource_labels, local.tags, { "twoi2chub-node-pool" = each.key })

  lifecycle {
    # The autoscaler owns the size.
    ignore_changes = [node_count]
  }
}
