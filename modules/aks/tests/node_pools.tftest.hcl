# Node pools: the core (system) pool, user pools and Dask pools from maps,
# with their labels, taints, bounds down to zero, spot VMs and GPUs, keyed as
# in modules/gke.

# Offline: a managed identity token from the loopback endpoint make test-modules
# starts (internal/cmd/msiendpoint, at ARM_MSI_ENDPOINT), all-zero IDs.
provider "azurerm" {
  features {}
  use_msi                         = true
  use_cli                         = false
  subscription_id                 = "00000000-0000-0000-0000-000000000000"
  tenant_id                       = "00000000-0000-0000-0000-000000000000"
  resource_provider_registrations = "none"
}

variables {
  resource_group_name = "hackweek-hub"
  name                = "hackweek"
  community           = "pangeo-hackweek"
  region              = "westeurope"
  zone                = "1"

  core_node_machine_type = "Standard_D4s_v5"
  core_node_max_count    = 3

  notebook_nodes = {
    small = { machine_type = "Standard_E4s_v5", max = 20 }
    gput4 = {
      machine_type = "Standard_NC4as_T4_v3"
      max          = 4
      spot         = true
      disk_size_gb = 200
      zones        = ["1", "2"]
      gpu          = { type = "nvidia-tesla-t4", count = 1 }
      labels       = { "example.org/gpu" = "t4" }
      taints       = [{ key = "example.org/course", value = "ml", effect = "NO_SCHEDULE" }]
    }
  }
  dask_nodes = {
    workers = { machine_type = "Standard_E16s_v5", min = 1, max = 50 }
  }
}

run "pools" {
  command = plan

  assert {
    condition     = toset([for p in azurerm_kubernetes_cluster_node_pool.pool : p.name]) == toset(["nbsmall", "nbgput4", "daskworkers"])
    error_message = "nb<name> per notebook_nodes entry, dask<name> per dask_nodes entry (AKS names are letters and digits)."
  }

  # Core pool: the cluster's default (system) pool, always on, labelled core.
  assert {
    condition = (azurerm_kubernetes_cluster.this.default_node_pool[0].name == "core" &&
      azurerm_kubernetes_cluster.this.default_node_pool[0].vm_size == "Standard_D4s_v5" &&
      azurerm_kubernetes_cluster.this.default_node_pool[0].min_count == 1 &&
    azurerm_kubernetes_cluster.this.default_node_pool[0].max_count == 3)
    error_message = "The core pool runs core_node_machine_type between 1 and core_node_max_count."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.default_node_pool[0].node_labels["hub.jupyter.org/node-purpose"] == "core" && azurerm_kubernetes_cluster.this.default_node_pool[0].zones == toset(["1"])
    error_message = "The core pool is labelled core, in zone."
  }

  # A plain user pool: scales from zero, user label and taint, regular VMs.
  assert {
    condition = (azurerm_kubernetes_cluster_node_pool.pool["nb-small"].min_count == 0 &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-small"].max_count == 20 &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-small"].auto_scaling_enabled &&
    azurerm_kubernetes_cluster_node_pool.pool["nb-small"].mode == "User")
    error_message = "A user pool is autoscaled from zero (min default 0) to max."
  }
  assert {
    condition     = azurerm_kubernetes_cluster_node_pool.pool["nb-small"].node_taints == tolist(["hub.jupyter.org_dedicated=user:NoSchedule"])
    error_message = "User pools carry z2jh's dedicated-user taint, spelled the Kubernetes way."
  }
  assert {
    condition = (azurerm_kubernetes_cluster_node_pool.pool["nb-small"].node_labels["hub.jupyter.org/node-purpose"] == "user" &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-small"].priority == "Regular" &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-small"].os_disk_size_gb == 100 &&
    azurerm_kubernetes_cluster_node_pool.pool["nb-small"].zones == toset(["1"]))
    error_message = "User pool defaults: labelled user, regular VMs, 100 GB, in zone."
  }

  # The GPU pool: NVIDIA driver, spot, zones, extra labels and taints.
  assert {
    condition = (azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].gpu_driver == "Install" &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].priority == "Spot" &&
      azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].eviction_policy == "Delete" &&
    azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].spot_max_price == -1)
    error_message = "A GPU pool installs the NVIDIA driver; spot = true asks for spot VMs at up to the regular price, deleted on eviction."
  }
  assert {
    condition = azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].node_taints == tolist([
      "hub.jupyter.org_dedicated=user:NoSchedule", "nvidia.com/gpu=present:NoSchedule",
      "kubernetes.azure.com/scalesetpriority=spot:NoSchedule", "example.org/course=ml:NoSchedule",
    ])
    error_message = "A spot GPU pool gets the user taint, the GPU taint, the taint AKS puts on spot nodes and its own."
  }
  assert {
    condition     = azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].zones == toset(["1", "2"]) && azurerm_kubernetes_cluster_node_pool.pool["nb-gput4"].node_labels["example.org/gpu"] == "t4"
    error_message = "A pool's zones and labels reach it."
  }

  # Dask workers: spot by default, their own label and taint.
  assert {
    condition = (azurerm_kubernetes_cluster_node_pool.pool["dask-workers"].priority == "Spot" &&
      azurerm_kubernetes_cluster_node_pool.pool["dask-workers"].node_labels["k8s.dask.org/node-purpose"] == "worker" &&
    azurerm_kubernetes_cluster_node_pool.pool["dask-workers"].node_taints[0] == "k8s.dask.org_dedicated=worker:NoSchedule")
    error_message = "Dask pools: spot, node-purpose=worker, dask taint."
  }

  assert {
    condition = alltrue([for name, p in azurerm_kubernetes_cluster_node_pool.pool :
      p.tags["twoi2chub-community"] == "pangeo-hackweek" && p.tags["twoi2chub-node-pool"] == name
    ])
    error_message = "Every pool's VMs carry the community's tag and their pool's name."
  }

  # The pool map for hub profiles, in modules/gke's shape and keys.
  assert {
    condition     = output.node_pools["nb-gput4"].gpu == { type = "nvidia-tesla-t4", count = 1 } && output.node_pools["nb-gput4"].node_selector == { "kubernetes.azure.com/agentpool" = "nbgput4" }
    error_message = "node_pools tells hub profiles what each pool offers and how to select it."
  }
  assert {
    condition     = output.node_pools["core-pool"].kind == "core" && output.node_pools["dask-workers"].max == 50
    error_message = "node_pools lists every pool with its kind and bounds."
  }
}
