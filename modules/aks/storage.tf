# Home directories on an NFS share of Azure Files Premium, reachable from the
# node subnet only, and the lock that keeps data from a mistaken destroy.

locals {
  files_enabled = var.azure_files != null
}

resource "azurerm_storage_account" "homes" {
  count                    = local.files_enabled ? 1 : 0
  name                     = "${var.storage_account_prefix}homes"
  location                 = var.region
  resource_group_name      = local.resource_group_name
  account_kind             = "FileStorage"
  account_tier             = "Premium"
  account_replication_type = "LRS"
  # NFS carries no TLS: the share is reachable from the node subnet only.
  https_traffic_only_enabled = false
  shared_access_key_enabled  = false
  tags                       = local.tags

  network_rules {
    default_action             = "Deny"
    virtual_network_subnet_ids = [local.subnet_id]
    bypass                     = ["AzureServices"]
  }

  lifecycle {
    precondition {
      condition     = var.storage_account_prefix != null
      error_message = "azure_files needs storage_account_prefix, e.g. \"hackweekhub\": the home directories' storage account is named <prefix>homes."
    }
  }
}

resource "azurerm_storage_share" "homes" {
  count              = local.files_enabled ? 1 : 0
  name               = var.azure_files.share_name
  storage_account_id = azurerm_storage_account.homes[0].id
  enabled_protocol   = "NFS"
  quota              = var.azure_files.capacity_gb
}

# Terraform cannot delete a locked account: lifting the lock (deletion_protection
# = false) is a deliberate apply of its own.
resource "azurerm_management_lock" "homes" {
  count      = local.files_enabled && var.deletion_protection ? 1 : 0
  name       = "twoi2chub-deletion-protection"
  scope      = azurerm_storage_account.homes[0].id
  lock_level = "CanNotDelete"
  notes      = "Home directories of ${var.community}'s hubs. Set deletion_protection = false in modules/aks and apply to lift."
}
