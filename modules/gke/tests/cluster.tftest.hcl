# The cluster, its network and node identity, planned offline against the real
# google provider (from the filesystem mirror make test-modules sets up).

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

run "defaults" {
  command = plan

  assert {
    condition     = google_container_cluster.this.location == "us-central1" && google_container_cluster.this.node_locations == toset(["us-central1-b"])
    error_message = "A regional cluster (the default) keeps its nodes in var.zone."
  }
  assert {
    condition     = google_container_cluster.this.workload_identity_config[0].workload_pool == "hackweek-hub.svc.id.goog"
    error_message = "Workload Identity must be on, with the project's pool."
  }
  assert {
    condition     = google_container_cluster.this.node_config[0].workload_metadata_config[0].mode == "GKE_METADATA"
    error_message = "The default pool's nodes must hide the metadata server too."
  }
  assert {
    condition     = google_container_cluster.this.datapath_provider == "ADVANCED_DATAPATH"
    error_message = "Network policy is enforced by Dataplane V2."
  }
  assert {
    condition     = google_container_cluster.this.release_channel[0].channel == "REGULAR" && google_container_cluster.this.deletion_protection
    error_message = "Defaults: REGULAR channel, deletion protection on."
  }
  assert {
    condition     = google_container_cluster.this.remove_default_node_pool && google_container_cluster.this.cost_management_config[0].enabled
    error_message = "The default pool is removed, and cost allocation (per-namespace billing) is on."
  }
  assert {
    condition     = google_container_cluster.this.resource_labels == tomap({ "twoi2chub-community" = "pangeo-hackweek", "twoi2chub-cluster" = "hackweek" })
    error_message = "The cluster carries the community's labels."
  }
  assert {
    condition     = length(google_container_cluster.this.private_cluster_config) == 0 && length(google_compute_router_nat.this) == 0
    error_message = "Nodes have public addresses unless private_nodes is set."
  }
  assert {
    condition     = google_compute_subnetwork.this[0].ip_cidr_range == "10.0.0.0/20" && google_compute_subnetwork.this[0].private_ip_google_access
    error_message = "The created subnet uses the default range and reaches Google APIs privately."
  }
  assert {
    condition = google_container_cluster.this.ip_allocation_policy[0].cluster_secondary_range_name == "pods" && (
    google_container_cluster.this.ip_allocation_policy[0].services_secondary_range_name == "services")
    error_message = "The cluster uses the created subnet's secondary ranges."
  }
  assert {
    condition     = google_service_account.nodes[0].account_id == "hackweek-nodes" && length(google_project_iam_member.nodes) == 5
    error_message = "Without node_service_account the module creates one with the five roles nodes need."
  }
  assert {
    condition     = google_container_cluster.this.maintenance_policy[0].daily_maintenance_window[0].start_time == "03:00"
    error_message = "The maintenance window starts at maintenance_start_time."
  }
  assert {
    condition     = output.exec == { api_version = "client.authentication.k8s.io/v1beta1", command = "gke-gcloud-auth-plugin", args = [] }
    error_message = "exec runs gke-gcloud-auth-plugin."
  }
  assert {
    condition     = output.connection.exec.command == "gke-gcloud-auth-plugin"
    error_message = "The kubernetes output carries the exec settings for the provider."
  }
  assert {
    condition     = output.get_credentials_command == "gcloud container clusters get-credentials hackweek --location us-central1 --project hackweek-hub"
    error_message = "get_credentials_command names the cluster, location and project."
  }
  assert {
    condition     = output.gke_cluster == { project = "hackweek-hub", location = "us-central1", cluster = "hackweek" }
    error_message = "gke_cluster names the cluster for the provider's gke attribute."
  }
}

run "zonal_pinned_versions" {
  command = plan

  variables {
    regional_cluster = false
    release_channel  = "UNSPECIFIED"
    k8s_versions = {
      min_master_version = "1.33.5-gke.1000000"
      core_nodes_version = "1.33.5-gke.1000000"
    }
  }

  assert {
    condition     = google_container_cluster.this.location == "us-central1-b" && google_container_cluster.this.min_master_version == "1.33.5-gke.1000000"
    error_message = "A zonal cluster lives in var.zone, at the pinned version."
  }
  assert {
    condition     = google_container_node_pool.pool["core-pool"].version == "1.33.5-gke.1000000"
    error_message = "The core pool runs the pinned node version."
  }
  assert {
    condition     = !google_container_node_pool.pool["core-pool"].management[0].auto_upgrade
    error_message = "Pinned versions turn node auto-upgrade off."
  }
}

run "existing_shared_vpc" {
  command = plan

  variables {
    network = {
      create              = false
      project             = "campus-network"
      name                = "campus-vpc"
      subnetwork          = "jupyter"
      pods_range_name     = "jupyter-pods"
      services_range_name = "jupyter-services"
    }
  }

  assert {
    condition     = length(google_compute_network.this) == 0 && length(google_compute_subnetwork.this) == 0
    error_message = "An existing network is used, not created."
  }
  assert {
    condition = google_container_cluster.this.network == "projects/campus-network/global/networks/campus-vpc" && (
    google_container_cluster.this.subnetwork == "projects/campus-network/regions/us-central1/subnetworks/jupyter")
    error_message = "The cluster joins the host project's VPC and subnet."
  }
  assert {
    condition     = google_container_cluster.this.ip_allocation_policy[0].cluster_secondary_range_name == "jupyter-pods"
    error_message = "The cluster uses the subnet's existing secondary ranges."
  }
}

run "private_nodes" {
  command = plan

  variables {
    private_nodes = true
  }

  assert {
    condition     = google_container_cluster.this.private_cluster_config[0].enable_private_nodes && google_container_cluster.this.private_cluster_config[0].enable_private_endpoint != true
    error_message = "Private nodes, public control plane."
  }
  assert {
    condition     = google_container_cluster.this.private_cluster_config[0].master_ipv4_cidr_block == "172.16.0.0/28"
    error_message = "The control plane's /28 is master_ipv4_cidr_block."
  }
  assert {
    condition     = length(google_compute_router_nat.this) == 1
    error_message = "Private nodes on a created network get Cloud NAT."
  }
}

run "existing_node_service_account" {
  command = plan

  variables {
    node_service_account = "gke-nodes@hackweek-hub.iam.gserviceaccount.com"
  }

  assert {
    condition     = length(google_service_account.nodes) == 0 && length(google_project_iam_member.nodes) == 0
    error_message = "A given node service account means no service account and no project role bindings are created."
  }
  assert {
    condition     = google_container_node_pool.pool["core-pool"].node_config[0].service_account == "gke-nodes@hackweek-hub.iam.gserviceaccount.com"
    error_message = "Nodes run as the given service account."
  }
  assert {
    condition     = google_artifact_registry_repository_iam_member.nodes_pull[0].member == "serviceAccount:gke-nodes@hackweek-hub.iam.gserviceaccount.com"
    error_message = "The given node service account may still pull from the repository."
  }
}
