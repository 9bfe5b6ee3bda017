# A GKE cluster ready for JupyterHub: an always-on core pool, user and Dask
# pools that scale to zero, Workload Identity with the metadata server hidden
# from pods, network policy enforced (Dataplane V2), and the cloud resources
# hubs use (registry, home storage, buckets, per-hub identities, budget).

locals {
  # Every resource that takes labels gets these; hub resources also twoi2chub-hub.
  labels = merge(var.labels, {
    "twoi2chub-community" = var.community
    "twoi2chub-cluster"   = var.name
  })

  location      = var.regional_cluster ? var.region : var.zone
  workload_pool = "${var.project_id}.svc.id.goog"
  pinned        = var.release_channel == "UNSPECIFIED"

  # GKE rejects taint keys with a slash; z2jh's pods tolerate both spellings.
  user_taint = { key = "hub.jupyter.org_dedicated", value = "user", effect = "NO_SCHEDULE" }
  dask_taint = { key = "k8s.dask.org_dedicated", value = "worker", effect = "NO_SCHEDULE" }
  # GKE adds this taint to GPU pools itself; declaring it avoids a diff on every plan.
  gpu_taint = { key = "nvidia.com/gpu", value = "present", effect = "NO_SCHEDULE" }

  node_service_account = coalesce(var.node_service_account, try(google_service_account.nodes[0].email, null))
}

# ---------------------------------------------------------------- node identity

resource "google_service_account" "nodes" {
  count        = var.node_service_account == null ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "Nodes of GKE cluster ${var.name}"
}

# What GKE nodes need to report logs and metrics, and nothing else (the default
# Compute Engine service account has Editor on the project).
resource "google_project_iam_member" "nodes" {
  for_each = var.node_service_account == null ? toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/autoscaling.metricsWriter",
  ]) : toset([])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes[0].email}"
}

# ---------------------------------------------------------------- cluster

resource "google_container_cluster" "this" {
  project             = var.project_id
  name                = var.name
  location            = local.location
  node_locations      = var.regional_cluster ? [var.zone] : null
  deletion_protection = var.deletion_protection
  resource_labels     = local.labels

  min_master_version = var.k8s_versions.min_master_version
  release_channel {
    channel = var.release_channel
  }

  # Pools are separate resources, so that changing one never touches the cluster.
  remove_default_node_pool = true
  initial_node_count       = 1

  network         = local.network_self_link
  subnetwork      = local.subnetwork_self_link
  networking_mode = "VPC_NATIVE"
  ip_allocation_policy {
    cluster_secondary_range_name  = local.pods_range_name
    services_secondary_range_name = local.services_range_name
  }

  dynamic "private_cluster_config" {
    for_each = var.private_nodes ? [1] : []
    content {
      enable_private_nodes    = true
      enable_private_endpoint = false
      master_ipv4_cidr_block  = var.master_ipv4_cidr_block
    }
  }

  # Dataplane V2 enforces the NetworkPolicies z2jh deploys, with no extra add-on.
  datapath_provider = "ADVANCED_DATAPATH"

  workload_identity_config {
    workload_pool = local.workload_pool
  }

  # Per-namespace (so per-hub) cost breakdown in the billing export.
  cost_management_config {
    enabled = true
  }

  addons_config {
    # Hubs bring their own proxy; GKE's ingress controller would only cost.
    http_load_balancing {
      disabled = true
    }
  }

  maintenance_policy {
    daily_maintenance_window {
      start_time = var.maintenance_start_time
    }
  }

  # Only for the default pool, which is removed at once.
  node_config {
    service_account = local.node_service_account
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = local.labels
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }

  lifecycle {
    # A change to the default pool's node_config would replace the cluster.
    ignore_changes = [node_config, initial_node_count]

    precondition {
      condition = local.pinned ? true : alltrue([
        var.k8s_versions.core_nodes_version == null,
        var.k8s_versions.notebook_nodes_version == null,
        var.k8s_versions.dask_nodes_version == null,
      ])
      error_message = "k8s_versions: node versions can only be pinned with release_channel = \"UNSPECIFIED\"; in a release channel GKE upgrades nodes itself. Remove core/notebook/dask_nodes_version or set release_channel = \"UNSPECIFIED\"."
    }
    precondition {
      condition     = startswith(var.zone, "${var.region}-")
      error_message = "zone ${var.zone} is not in region ${var.region}: pick a zone such as \"${var.region}-b\"."
    }
  }
}
