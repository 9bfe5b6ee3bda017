# An AKS cluster ready for JupyterHub, from plain azurerm_* resources: an
# always-on core pool, user and Dask pools that scale to zero (AKS's own
# cluster autoscaler), Entra ID authentication with Azure RBAC, Workload
# Identity, network policy enforced (Cilium), and the cloud resources hubs use
# (registry, home storage, containers, per-hub identities, budget).

locals {
  # Every resource that takes tags gets these; hub resources also twoi2chub-hub.
  tags = merge(var.labels, {
    "twoi2chub-community" = var.community
    "twoi2chub-cluster"   = var.name
  })

  resource_group_name = var.create_resource_group ? azurerm_resource_group.this[0].name : var.resource_group_name
  resource_group_id = var.create_resource_group ? azurerm_resource_group.this[0].id : (
    "/subscriptions/${data.azurerm_client_config.current.subscription_id}/resourceGroups/${var.resource_group_name}"
  )
  maintenance_hour = tonumber(split(":", var.maintenance_start_time)[0])
}

# The subscription and tenant Terraform runs in (from the provider's settings:
# no API call).
data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "this" {
  count    = var.create_resource_group ? 1 : 0
  name     = var.resource_group_name
  location = var.region
  tags     = local.tags
}

# ---------------------------------------------------------------- cluster

resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  location            = var.region
  resource_group_name = local.resource_group_name
  dns_prefix          = var.name
  node_resource_group = "${local.resource_group_name}-${var.name}-nodes"
  kubernetes_version  = var.k8s_versions.min_master_version
  # Standard: an SLA on the API server, and what cost analysis needs.
  sku_tier = "Standard"
  tags     = local.tags

  # Per-namespace (so per-hub) costs in Cost Management.
  cost_analysis_enabled = true

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"
  maintenance_window_auto_upgrade {
    frequency  = "Daily"
    interval   = 1
    duration   = 4
    start_time = var.maintenance_start_time
    utc_offset = "+00:00"
  }
  maintenance_window_node_os {
    frequency  = "Daily"
    interval   = 1
    duration   = 4
    start_time = var.maintenance_start_time
    utc_offset = "+00:00"
  }

  # Entra ID for people and Terraform, Azure roles for what they may do.
  local_account_disabled            = !var.local_accounts
  role_based_access_control_enabled = true
  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
    tenant_id          = data.azurerm_client_config.current.tenant_id
  }

  # Pods get Entra ID tokens for their ServiceAccount: no secret anywhere.
  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  # Node pools are the module's (Manual); node auto-provisioning would make its own.
  node_provisioning_profile {
    mode = "Manual"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    # Cilium enforces the NetworkPolicies z2jh deploys.
    network_data_plane = "cilium"
    network_policy     = "cilium"
    pod_cidr           = var.network.pods_cidr
    service_cidr       = var.network.services_cidr
    dns_service_ip     = cidrhost(var.network.services_cidr, 10)
    load_balancer_sku  = "standard"
  }

  dynamic "identity" {
    for_each = [var.cluster_identity_id]
    content {
      type         = identity.value == null ? "SystemAssigned" : "UserAssigned"
      identity_ids = identity.value == null ? null : [identity.value]
    }
  }

  # The core pool, which AKS calls the system pool.
  default_node_pool {
    name                        = local.core_pool_name
    temporary_name_for_rotation = "coretmp"
    vm_size                     = var.core_node_machine_type
    vnet_subnet_id              = local.subnet_id
    zones                       = var.zone == null ? null : [var.zone]
    orchestrator_version        = var.k8s_versions.core_nodes_version
    auto_scaling_enabled        = true
    min_count                   = 1
    max_count                   = var.core_node_max_count
    os_disk_size_gb             = var.core_node_disk_size_gb
    node_labels                 = local.pools["core-pool"].labels
    tags                        = merge(local.tags, { "twoi2chub-node-pool" = "core-pool" })

    upgrade_settings {
      max_surge = "10%"
    }
  }

  lifecycle {
    # The autoscaler owns the core pool's size.
    ignore_changes = [default_node_pool[0].node_count]
  }
}

# Who may administer the cluster (Azure RBAC on Kubernetes).
resource "azurerm_role_assignment" "admin" {
  for_each             = toset(var.admin_object_ids)
  scope                = azurerm_kubernetes_cluster.this.id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = each.value
}
