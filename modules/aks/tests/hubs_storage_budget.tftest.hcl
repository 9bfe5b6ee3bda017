# Per-hub cloud access (managed identities, blob containers), Azure Files
# home directories, deletion locks and the budget.

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
  resource_group_name    = "hackweek-hub"
  name                   = "hackweek"
  community              = "pangeo-hackweek"
  region                 = "westeurope"
  storage_account_prefix = "hackweekhub"

  hubs = {
    staging = {}
    prod = {
      namespace            = "hackweek-prod"
      user_service_account = "jovyan"
      persistent_bucket    = true
      bucket_access = {
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/era5/blobServices/default/containers/era5" = "read"
      }
    }
  }

  azure_files = { capacity_gb = 512 }
  budget      = { amount = 500, emails = ["it@example.org"] }
}

run "hubs" {
  command = plan

  assert {
    condition     = azurerm_federated_identity_credential.hub["prod"].subject == "system:serviceaccount:hackweek-prod:jovyan" && azurerm_federated_identity_credential.hub["staging"].subject == "system:serviceaccount:staging:user-sa"
    error_message = "Each hub's identity is federated with its users' ServiceAccount."
  }
  assert {
    condition     = azurerm_user_assigned_identity.hub["prod"].name == "hackweek-prod" && azurerm_user_assigned_identity.hub["prod"].tags["twoi2chub-hub"] == "prod"
    error_message = "An identity <name>-<hub> per hub, tagged with the hub."
  }
  assert {
    condition     = toset(keys(azurerm_storage_container.hub)) == toset(["staging-scratch", "prod-scratch", "prod-persistent"]) && azurerm_storage_account.data[0].name == "hackweekhubdata"
    error_message = "Scratch and persistent containers in <prefix>data."
  }
  assert {
    condition     = !azurerm_storage_account.data[0].shared_access_key_enabled
    error_message = "Containers are reached with Entra ID tokens, never account keys."
  }
  assert {
    condition = toset([for r in azurerm_storage_management_policy.scratch[0].rule : "${one(r.filters[0].prefix_match)}:${r.actions[0].base_blob[0].delete_after_days_since_modification_greater_than}"]) == toset([
      "staging-scratch/:7", "prod-scratch/:7",
    ])
    error_message = "Scratch blobs are deleted after a week; persistent ones never."
  }
  assert {
    condition     = azurerm_role_assignment.hub_containers["prod//subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/era5/blobServices/default/containers/era5"].role_definition_name == "Storage Blob Data Reader"
    error_message = "bucket_access read grants Storage Blob Data Reader on the container."
  }
  assert {
    condition     = length(azurerm_management_lock.data) == 1 && length(azurerm_management_lock.homes) == 1
    error_message = "With deletion_protection, the accounts holding persistent data are locked."
  }
  assert {
    condition     = output.hubs["prod"].scratch_bucket == "az://prod-scratch" && output.hubs["prod"].env.PERSISTENT_BUCKET == "az://prod-persistent/$(JUPYTERHUB_USER)"
    error_message = "hubs gives the containers' URLs and 2i2c's per-user environment variables."
  }
  assert {
    condition     = output.hubs["staging"].namespace == "staging" && output.hubs["prod"].pod_labels == { "azure.workload.identity/use" = "true" }
    error_message = "hubs says where each hub runs and what its pods need."
  }
}

run "azure_files" {
  command = plan

  assert {
    condition = (azurerm_storage_account.homes[0].account_kind == "FileStorage" && azurerm_storage_account.homes[0].account_tier == "Premium" &&
    azurerm_storage_share.homes[0].enabled_protocol == "NFS" && azurerm_storage_share.homes[0].quota == 512)
    error_message = "Homes on an NFS share of Azure Files Premium of capacity_gb."
  }
  assert {
    condition     = azurerm_storage_account.homes[0].network_rules[0].default_action == "Deny"
    error_message = "The share is reachable from the node subnet only."
  }
  assert {
    condition     = output.home_storage.type == "nfs" && output.home_storage.nfs_path == "/hackweekhubhomes/homes"
    error_message = "home_storage plugs into the hub's storage."
  }
}

run "budget" {
  command = plan

  assert {
    condition     = azurerm_consumption_budget_resource_group.this[0].amount == 500 && azurerm_consumption_budget_resource_group.this[0].time_grain == "Monthly"
    error_message = "A monthly budget of amount on the resource group."
  }
  assert {
    condition = toset([for n in azurerm_consumption_budget_resource_group.this[0].notification : "${n.threshold_type}:${n.threshold}"]) == toset([
      "Actual:50", "Actual:90", "Actual:100", "Forecasted:100",
    ])
    error_message = "Alerts at each threshold of actual spend, and at forecast spend."
  }
  assert {
    condition     = endswith(azurerm_consumption_budget_resource_group.this[0].time_period[0].start_date, "-01T00:00:00Z")
    error_message = "Budgets start on the first of a month."
  }
}
