# Bad input: one run per validation block (and per cross-variable precondition),
# each breaking only that rule. make test-modules also checks, with one plan of
# all these rows, that each rule fires with its own message (internal/cmd/validationcheck).

provider "google" {
  project      = "hackweek-hub"
  region       = "us-central1"
  access_token = "fake"
}

variables {
  project_id = "hackweek-hub"
  name       = "hackweek"
  community  = "pangeo-hackweek"
  region     = "us-central1"
  zone       = "us-central1-b"
}

run "project_id_not_an_id" {
  command = plan
  variables {
    project_id = "My Project"
  }
  expect_failures = [var.project_id]
}

run "name_too_long_or_badly_formed" {
  command = plan
  variables {
    name = "Hackweek_Cluster-With-A-Long-Name"
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
    labels = { "Cost Center" = "geo" }
  }
  expect_failures = [var.labels]
}

run "region_is_a_zone" {
  command = plan
  variables {
    region = "us-central1-b"
  }
  expect_failures = [var.region]
}

run "zone_is_a_region" {
  command = plan
  variables {
    zone = "us-central1"
  }
  expect_failures = [var.zone]
}

run "release_channel_unknown" {
  command = plan
  variables {
    release_channel = "regular"
  }
  expect_failures = [var.release_channel]
}

run "k8s_version_not_a_version" {
  command = plan
  variables {
    k8s_versions = { min_master_version = "latest" }
  }
  expect_failures = [var.k8s_versions]
}

run "maintenance_time_not_hh_mm" {
  command = plan
  variables {
    maintenance_start_time = "3am"
  }
  expect_failures = [var.maintenance_start_time]
}

run "existing_network_without_names" {
  command = plan
  variables {
    network = { create = false, name = "campus-vpc" }
  }
  expect_failures = [var.network]
}

run "network_cidr_invalid" {
  command = plan
  variables {
    network = { subnet_cidr = "10.0.0.0/33" }
  }
  expect_failures = [var.network]
}

run "master_cidr_not_a_slash_28" {
  command = plan
  variables {
    master_ipv4_cidr_block = "172.16.0.0/24"
  }
  expect_failures = [var.master_ipv4_cidr_block]
}

run "node_service_account_not_an_email" {
  command = plan
  variables {
    node_service_account = "gke-nodes"
  }
  expect_failures = [var.node_service_account]
}

run "core_machine_type_malformed" {
  command = plan
  variables {
    core_node_machine_type = "N2 HighMem"
  }
  expect_failures = [var.core_node_machine_type]
}

run "core_max_count_zero" {
  command = plan
  variables {
    core_node_max_count = 0
  }
  expect_failures = [var.core_node_max_count]
}

run "core_disk_too_small" {
  command = plan
  variables {
    core_node_disk_size_gb = 5
  }
  expect_failures = [var.core_node_disk_size_gb]
}

run "notebook_pool_key" {
  command = plan
  variables {
    notebook_nodes = { "Big_GPU" = { machine_type = "n1-standard-8" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_pool_min_above_max" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "n2-highmem-4", min = 5, max = 2 } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_pool_kubernetes_style_taint" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "n2-highmem-4", taints = [{ key = "a", value = "b", effect = "NoSchedule" }] } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_pool_gpu_driver" {
  command = plan
  variables {
    notebook_nodes = { gpu = { machine_type = "n1-standard-8", gpu = { type = "nvidia-tesla-t4", driver_version = "newest" } } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_pool_disk_type" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "n2-highmem-4", disk_type = "ssd" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "dask_pool_key" {
  command = plan
  variables {
    dask_nodes = { "Workers!" = { machine_type = "n2-highmem-16" } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_pool_max_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "n2-highmem-16", max = 0 } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_pool_kubernetes_style_taint" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "n2-highmem-16", taints = [{ key = "a", value = "b", effect = "NoExecute" }] } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_pool_gpu_count_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "n1-standard-8", gpu = { type = "nvidia-tesla-t4", count = 0 } } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_pool_disk_too_small" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "n2-highmem-16", disk_size_gb = 5 } }
  }
  expect_failures = [var.dask_nodes]
}

run "registry_id_malformed" {
  command = plan
  variables {
    artifact_registry = { repository_id = "User_Images" }
  }
  expect_failures = [var.artifact_registry]
}

run "registry_cleanup_negative" {
  command = plan
  variables {
    artifact_registry = { delete_untagged_after_days = -1 }
  }
  expect_failures = [var.artifact_registry]
}

run "builder_namespace_malformed" {
  command = plan
  variables {
    image_builder = { namespace = "Builds!" }
  }
  expect_failures = [var.image_builder]
}

run "builder_gsa_not_an_email" {
  command = plan
  variables {
    image_builder = { google_service_account = "builder" }
  }
  expect_failures = [var.image_builder]
}

run "filestore_tier_unknown" {
  command = plan
  variables {
    filestore = { tier = "PREMIUM" }
  }
  expect_failures = [var.filestore]
}

run "filestore_below_tier_minimum" {
  command = plan
  variables {
    filestore = { tier = "BASIC_HDD", capacity_gb = 1000 }
  }
  expect_failures = [var.filestore]
}

run "filestore_share_name" {
  command = plan
  variables {
    filestore = { share_name = "Homes-1" }
  }
  expect_failures = [var.filestore]
}

run "filestore_backup_hour" {
  command = plan
  variables {
    filestore = { backups = { start_hour_utc = 24 } }
  }
  expect_failures = [var.filestore]
}

run "hub_key_malformed" {
  command = plan
  variables {
    hubs = { "Staging_Hub" = {} }
  }
  expect_failures = [var.hubs]
}

run "hub_key_taken_by_the_module" {
  command = plan
  variables {
    hubs = { builder = {} }
  }
  expect_failures = [var.hubs]
}

run "hub_namespace_malformed" {
  command = plan
  variables {
    hubs = { staging = { namespace = "Prod NS" } }
  }
  expect_failures = [var.hubs]
}

run "hub_bucket_access_mode" {
  command = plan
  variables {
    hubs = { staging = { bucket_access = { "shared-era5" = "write" } } }
  }
  expect_failures = [var.hubs]
}

run "hub_scratch_days_zero" {
  command = plan
  variables {
    hubs = { staging = { scratch_delete_after_days = 0 } }
  }
  expect_failures = [var.hubs]
}

run "hub_gsa_not_an_email" {
  command = plan
  variables {
    hubs = { staging = { google_service_account = "svc" } }
  }
  expect_failures = [var.hubs]
}

run "bucket_prefix_malformed" {
  command = plan
  variables {
    bucket_name_prefix = "-bad"
  }
  expect_failures = [var.bucket_name_prefix]
}

run "budget_billing_account" {
  command = plan
  variables {
    budget = { billing_account = "0123", project_number = "123456789012", amount = 500 }
  }
  expect_failures = [var.budget]
}

run "budget_project_number_is_an_id" {
  command = plan
  variables {
    budget = { billing_account = "012345-6789AB-CDEF01", project_number = "hackweek-hub", amount = 500 }
  }
  expect_failures = [var.budget]
}

run "budget_amount_fractional" {
  command = plan
  variables {
    budget = { billing_account = "012345-6789AB-CDEF01", project_number = "123456789012", amount = 99.5 }
  }
  expect_failures = [var.budget]
}

run "budget_thresholds_descending" {
  command = plan
  variables {
    budget = { billing_account = "012345-6789AB-CDEF01", project_number = "123456789012", amount = 500, thresholds = [0.9, 0.5] }
  }
  expect_failures = [var.budget]
}

run "budget_email_malformed" {
  command = plan
  variables {
    budget = { billing_account = "012345-6789AB-CDEF01", project_number = "123456789012", amount = 500, emails = ["it-at-example.org"] }
  }
  expect_failures = [var.budget]
}

run "node_versions_need_unspecified_channel" {
  command = plan
  variables {
    k8s_versions = { core_nodes_version = "1.33.5-gke.1000000" }
  }
  expect_failures = [google_container_cluster.this]
}

run "zone_outside_region" {
  command = plan
  variables {
    zone = "europe-west4-a"
  }
  expect_failures = [google_container_cluster.this]
}
