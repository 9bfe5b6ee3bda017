# Bad input: one run per validation block (and per cross-variable precondition),
# each breaking only that rule. make test-modules also checks, with one plan of
# all these rows, that each rule fires with its own message (internal/cmd/validationcheck).

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
}

run "resource_group_ends_with_period" {
  command = plan
  variables {
    resource_group_name = "hackweek."
  }
  expect_failures = [var.resource_group_name]
}

run "name_too_long_or_badly_formed" {
  command = plan
  variables {
    name = "Hackweek_Cluster"
  }
  expect_failures = [var.name]
}

run "community_not_a_label_value" {
  command = plan
  variables {
    community = "Pangeo Hackweek"
  }
  expect_failures = [var.community]
}

run "labels_bad_key" {
  command = plan
  variables {
    labels = { "cost/center" = "geo" }
  }
  expect_failures = [var.labels]
}

run "region_display_name" {
  command = plan
  variables {
    region = "West Europe"
  }
  expect_failures = [var.region]
}

run "zone_not_a_number" {
  command = plan
  variables {
    zone = "westeurope-1"
  }
  expect_failures = [var.zone]
}

run "k8s_version_not_a_version" {
  command = plan
  variables {
    k8s_versions = { min_master_version = "latest" }
  }
  expect_failures = [var.k8s_versions]
}

run "maintenance_not_on_the_hour" {
  command = plan
  variables {
    maintenance_start_time = "03:30"
  }
  expect_failures = [var.maintenance_start_time]
}

run "network_existing_without_subnet" {
  command = plan
  variables {
    network = { create = false }
  }
  expect_failures = [var.network]
}

run "network_cidr_malformed" {
  command = plan
  variables {
    network = { pods_cidr = "10.244.0.0" }
  }
  expect_failures = [var.network]
}

run "admin_not_an_object_id" {
  command = plan
  variables {
    admin_object_ids = ["ada@example.org"]
  }
  expect_failures = [var.admin_object_ids]
}

run "cluster_identity_not_an_id" {
  command = plan
  variables {
    cluster_identity_id = "aks-identity"
  }
  expect_failures = [var.cluster_identity_id]
}

run "core_machine_type_from_gke" {
  command = plan
  variables {
    core_node_machine_type = "n2-highmem-2"
  }
  expect_failures = [var.core_node_machine_type]
}

run "core_max_zero" {
  command = plan
  variables {
    core_node_max_count = 0
  }
  expect_failures = [var.core_node_max_count]
}

run "core_disk_too_small" {
  command = plan
  variables {
    core_node_disk_size_gb = 10
  }
  expect_failures = [var.core_node_disk_size_gb]
}

run "notebook_key_with_hyphen" {
  command = plan
  variables {
    notebook_nodes = { "gpu-t4" = { machine_type = "Standard_NC4as_T4_v3" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_min_above_max" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "Standard_E4s_v5", min = 5, max = 2 } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_taint_kubernetes_spelling" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "Standard_E4s_v5", taints = [{ key = "a", value = "b", effect = "NoSchedule" }] } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_machine_type_from_eks" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "r5.xlarge" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_gpu_count_zero" {
  command = plan
  variables {
    notebook_nodes = { gpu = { machine_type = "Standard_NC4as_T4_v3", gpu = { count = 0 } } }
  }
  expect_failures = [var.notebook_nodes]
}

run "dask_key_too_long" {
  command = plan
  variables {
    dask_nodes = { manyworkers = { machine_type = "Standard_E16s_v5" } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_max_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "Standard_E16s_v5", max = 0 } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_taint_kubernetes_spelling" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "Standard_E16s_v5", taints = [{ key = "a", value = "b", effect = "NoExecute" }] } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_disk_too_small" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "Standard_E16s_v5", disk_size_gb = 8 } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_gpu_count_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "Standard_NC4as_T4_v3", gpu = { count = 0 } } }
  }
  expect_failures = [var.dask_nodes]
}

run "image_registry_name_with_hyphen" {
  command = plan
  variables {
    image_registry = { name = "hackweek-images" }
  }
  expect_failures = [var.image_registry]
}

run "image_builder_namespace_badly_formed" {
  command = plan
  variables {
    image_builder = { namespace = "Builds" }
  }
  expect_failures = [var.image_builder]
}

run "storage_prefix_too_long" {
  command = plan
  variables {
    storage_account_prefix = "pangeohackweekhubdata"
  }
  expect_failures = [var.storage_account_prefix]
}

run "azure_files_too_small" {
  command = plan
  variables {
    azure_files = { capacity_gb = 50 }
  }
  expect_failures = [var.azure_files]
}

run "hubs_key_reserved" {
  command = plan
  variables {
    hubs = { builder = {} }
  }
  expect_failures = [var.hubs]
}

run "hubs_namespace_badly_formed" {
  command = plan
  variables {
    hubs = { staging = { namespace = "Staging Hub" } }
  }
  expect_failures = [var.hubs]
}

run "hubs_bucket_access_not_a_container" {
  command = plan
  variables {
    hubs = { staging = { bucket_access = { "shared-era5" = "read" } } }
  }
  expect_failures = [var.hubs]
}

run "hubs_scratch_zero_days" {
  command = plan
  variables {
    hubs = { staging = { scratch_delete_after_days = 0 } }
  }
  expect_failures = [var.hubs]
}

run "budget_amount_fraction" {
  command = plan
  variables {
    budget = { amount = 99.5, emails = ["it@example.org"] }
  }
  expect_failures = [var.budget]
}

run "budget_too_many_alerts" {
  command = plan
  variables {
    budget = { amount = 500, thresholds = [0.2, 0.4, 0.6, 0.8, 1.0], emails = ["it@example.org"] }
  }
  expect_failures = [var.budget]
}

run "budget_no_email" {
  command = plan
  variables {
    budget = { amount = 500 }
  }
  expect_failures = [var.budget]
}

run "azure_files_without_prefix" {
  command = plan
  variables {
    azure_files = {}
  }
  expect_failures = [azurerm_storage_account.homes]
}

run "hub_containers_without_prefix" {
  command = plan
  variables {
    hubs = { staging = {} }
  }
  expect_failures = [azurerm_storage_account.data]
}
