# Per hub: a managed identity federated with the hub's users' ServiceAccount
# (Workload Identity), its blob containers (scratch emptied by a lifecycle
# rule), and its access to other containers.

locals {
  hubs = { for k, h in var.hubs : k => merge(h, {
    namespace = coalesce(h.namespace, k)
    tags      = merge(local.tags, { "twoi2chub-hub" = k })
  }) }

  containers = merge(
    { for k, h in local.hubs : "${k}-scratch" => { hub = k, delete_after_days = h.scratch_delete_after_days } if h.scratch_bucket },
    { for k, h in local.hubs : "${k}-persistent" => { hub = k, delete_after_days = null } if h.persistent_bucket },
  )
  data_account_enabled = length(local.containers) > 0

  container_roles = { read = "Storage Blob Data Reader", read-write = "Storage Blob Data Contributor" }
  container_grants = merge(
    { for c, v in local.containers : "${v.hub}/${c}" => { hub = v.hub, scope = azurerm_storage_container.hub[c].id, access = "read-write" } },
    merge([for k, h in local.hubs : {
      for scope, access in h.bucket_access : "${k}/${scope}" => { hub = k, scope = scope, access = access }
    }]...),
  )

  data_account_name = local.data_account_enabled ? azurerm_storage_account.data[0].name : null
}

resource "azurerm_user_assigned_identity" "hub" {
  for_each            = local.hubs
  name                = "${var.name}-${each.key}"
  location            = var.region
  resource_group_name = local.resource_group_name
  tags                = each.value.tags
}

resource "azurerm_federated_identity_credential" "hub" {
  for_each                  = local.hubs
  name                      = "${var.name}-${each.key}"
  user_assigned_identity_id = azurerm_user_assigned_identity.hub[each.key].id
  issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject                   = "system:serviceaccount:${each.value.namespace}:${each.value.user_service_account}"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "azurerm_storage_account" "data" {
  count                    = local.data_account_enabled ? 1 : 0
  name                     = "${var.storage_account_prefix}data"
  location                 = var.region
  resource_group_name      = local.resource_group_name
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  # Users reach their containers with Entra ID tokens, never with account keys.
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  allow_nested_items_to_be_public = false
  min_tls_version                 = "TLS1_2"
  tags                            = local.tags

  lifecycle {
    precondition {
      condition     = var.storage_account_prefix != null
      error_message = "hubs with a scratch or persistent container need storage_account_prefix, e.g. \"hackweekhub\": the containers' storage account is named <prefix>data."
    }
  }
}

resource "azurerm_storage_container" "hub" {
  for_each              = local.containers
  name                  = each.key
  storage_account_id    = azurerm_storage_account.data[0].id
  container_access_type = "private"
}

resource "azurerm_storage_management_policy" "scratch" {
  count              = length([for c in local.containers : c if c.delete_after_days != null]) > 0 ? 1 : 0
  storage_account_id = azurerm_storage_account.data[0].id

  dynamic "rule" {
    for_each = { for c, v in local.containers : c => v if v.delete_after_days != null }
    content {
      name    = "delete-${rule.key}"
      enabled = true
      filters {
        prefix_match = ["${rule.key}/"]
        blob_types   = ["blockBlob"]
      }
      actions {
        base_blob {
          delete_after_days_since_modification_greater_than = rule.value.delete_after_days
        }
      }
    }
  }
}

resource "azurerm_role_assignment" "hub_containers" {
  for_each                         = local.container_grants
  scope                            = each.value.scope
  role_definition_name             = local.container_roles[each.value.access]
  principal_id                     = azurerm_user_assigned_identity.hub[each.value.hub].principal_id
  skip_service_principal_aad_check = true
}

resource "azurerm_management_lock" "data" {
  count      = local.data_account_enabled && var.deletion_protection && length([for c in local.containers : c if c.delete_after_days == null]) > 0 ? 1 : 0
  name       = "twoi2chub-deletion-protection"
  scope      = azurerm_storage_account.data[0].id
  lock_level = "CanNotDelete"
  notes      = "Persistent containers of ${var.community}'s hubs. Set deletion_protection = false in modules/aks and apply to lift."
}
