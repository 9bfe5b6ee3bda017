# Bad input: one run per validation block (and per cross-variable precondition),
# each breaking only that rule. make test-modules also checks, with one plan of
# all these rows, that each rule fires with its own message (internal/cmd/validationcheck).

provider "aws" {
  region                      = "us-west-2"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name               = "hackweek"
  community          = "pangeo-hackweek"
  region             = "us-west-2"
  zone               = "us-west-2a"
  bucket_name_prefix = "pangeo-hackweek"
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

run "labels_reserved_prefix" {
  command = plan
  variables {
    labels = { "aws:created" = "x" }
  }
  expect_failures = [var.labels]
}

run "region_is_a_zone" {
  command = plan
  variables {
    region = "us-west-2a"
  }
  expect_failures = [var.region]
}

run "zone_is_a_region" {
  command = plan
  variables {
    zone = "us-west-2"
  }
  expect_failures = [var.zone]
}

run "k8s_version_with_patch" {
  command = plan
  variables {
    k8s_versions = { min_master_version = "1.33.2" }
  }
  expect_failures = [var.k8s_versions]
}

run "network_existing_without_ids" {
  command = plan
  variables {
    network = { create = false, vpc_id = "vpc-0abc" }
  }
  expect_failures = [var.network]
}

run "network_cidr_too_small" {
  command = plan
  variables {
    network = { cidr = "10.0.0.0/24" }
  }
  expect_failures = [var.network]
}

run "network_one_zone" {
  command = plan
  variables {
    network = { zones = ["us-west-2a"] }
  }
  expect_failures = [var.network]
}

run "network_subnet_not_an_id" {
  command = plan
  variables {
    network = { create = false, vpc_id = "vpc-0abc", subnet_ids = ["subnet-0a", "jupyter"] }
  }
  expect_failures = [var.network]
}

run "api_allowed_cidrs_not_cidrs" {
  command = plan
  variables {
    api_allowed_cidrs = ["campus"]
  }
  expect_failures = [var.api_allowed_cidrs]
}

run "cluster_role_not_an_arn" {
  command = plan
  variables {
    cluster_role_arn = "eks-cluster"
  }
  expect_failures = [var.cluster_role_arn]
}

run "node_role_not_an_arn" {
  command = plan
  variables {
    node_role_arn = "eks-nodes"
  }
  expect_failures = [var.node_role_arn]
}

run "admin_not_an_arn" {
  command = plan
  variables {
    admin_principal_arns = ["ada@example.org"]
  }
  expect_failures = [var.admin_principal_arns]
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

run "notebook_key_badly_formed" {
  command = plan
  variables {
    notebook_nodes = { "Small_Pool" = { machine_type = "r5.xlarge" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_min_above_max" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "r5.xlarge", min = 5, max = 2 } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_taint_kubernetes_spelling" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "r5.xlarge", taints = [{ key = "a", value = "b", effect = "NoSchedule" }] } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_machine_type_from_gke" {
  command = plan
  variables {
    notebook_nodes = { small = { machine_type = "n2-highmem-4" } }
  }
  expect_failures = [var.notebook_nodes]
}

run "notebook_gpu_count_zero" {
  command = plan
  variables {
    notebook_nodes = { gpu = { machine_type = "g4dn.xlarge", gpu = { count = 0 } } }
  }
  expect_failures = [var.notebook_nodes]
}

run "dask_key_badly_formed" {
  command = plan
  variables {
    dask_nodes = { "Workers" = { machine_type = "r5.4xlarge" } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_max_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "r5.4xlarge", max = 0 } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_taint_kubernetes_spelling" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "r5.4xlarge", taints = [{ key = "a", value = "b", effect = "NoExecute" }] } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_disk_too_small" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "r5.4xlarge", disk_size_gb = 8 } }
  }
  expect_failures = [var.dask_nodes]
}

run "dask_gpu_count_zero" {
  command = plan
  variables {
    dask_nodes = { workers = { machine_type = "g4dn.xlarge", gpu = { count = 0 } } }
  }
  expect_failures = [var.dask_nodes]
}

run "image_registry_name_uppercase" {
  command = plan
  variables {
    image_registry = { images = ["Environment"] }
  }
  expect_failures = [var.image_registry]
}

run "image_registry_negative_days" {
  command = plan
  variables {
    image_registry = { delete_untagged_after_days = -1 }
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

run "efs_unknown_mode" {
  command = plan
  variables {
    efs = { throughput_mode = "provisioned" }
  }
  expect_failures = [var.efs]
}

run "efs_backup_hour_out_of_range" {
  command = plan
  variables {
    efs = { backups = { start_hour_utc = 24 } }
  }
  expect_failures = [var.efs]
}

run "hubs_key_reserved" {
  command = plan
  variables {
    hubs = { nodes = {} }
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

run "hubs_bucket_access_unknown" {
  command = plan
  variables {
    hubs = { staging = { bucket_access = { "shared-era5" = "write" } } }
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

run "hubs_role_not_an_arn" {
  command = plan
  variables {
    hubs = { staging = { iam_role_arn = "staging-users" } }
  }
  expect_failures = [var.hubs]
}

run "bucket_prefix_too_long" {
  command = plan
  variables {
    bucket_name_prefix = "a-very-long-bucket-prefix-for-a-community-hub"
  }
  expect_failures = [var.bucket_name_prefix]
}

run "budget_amount_fraction" {
  command = plan
  variables {
    budget = { amount = 99.5, emails = ["it@example.org"] }
  }
  expect_failures = [var.budget]
}

run "budget_thresholds_unordered" {
  command = plan
  variables {
    budget = { amount = 500, thresholds = [0.9, 0.5], emails = ["it@example.org"] }
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

run "zone_outside_region" {
  command = plan
  variables {
    zone = "us-east-1a"
  }
  expect_failures = [aws_eks_cluster.this]
}
