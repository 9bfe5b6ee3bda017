# Every optional part on at once: the plan make test-modules also reads whole
# (internal/cmd/plancheck) to check that every resource that takes tags
# carries the community's.

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

run "everything" {
  command = plan

  variables {
    resource_group_name    = "hackweek-hub"
    name                   = "hackweek"
    community              = "pangeo-hackweek"
    region                 = "westeurope"
    zone                   = "1"
    labels                 = { cost-center = "geo-42" }
    storage_account_prefix = "hackweekhub"
    admin_object_ids       = ["11111111-2222-3333-4444-555555555555"]
    notebook_nodes         = { small = { machine_type = "Standard_E4s_v5" }, gpu = { machine_type = "Standard_NC4as_T4_v3", gpu = { count = 1 } } }
    dask_nodes             = { workers = { machine_type = "Standard_E16s_v5" } }
    image_registry         = { name = "hackweekimages" }
    azure_files            = {}
    hubs                   = { staging = { persistent_bucket = true } }
    budget                 = { amount = 500, emails = ["it@example.org"] }
  }

  assert {
    condition     = azurerm_kubernetes_cluster.this.tags["cost-center"] == "geo-42" && azurerm_storage_account.homes[0].tags["cost-center"] == "geo-42"
    error_message = "The community's own tags reach every tagged resource, with the module's."
  }
  assert {
    condition     = length(azurerm_consumption_budget_resource_group.this) == 1 && length(azurerm_storage_share.homes) == 1 && length(azurerm_container_registry.images) == 1
    error_message = "Every optional part is planned."
  }
}
