# Node pools: the core pool, user pools and Dask pools from maps, with their
# labels, taints, autoscaling bounds, spot VMs and GPUs.

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

  core_node_machine_type = "e2-standard-4"
  core_node_max_count    = 3

  notebook_nodes = {
    small = { machine_type = "n2-highmem-4", max = 20 }
    gpu-t4 = {
      machine_type = "n1-standard-8"
      max          = 4
      spot         = true
      disk_type    = "pd-ssd"
      disk_size_gb = 200
      zones        = ["us-central1-a", "us-central1-b"]
      gpu          = { type = "nvidia-tesla-t4", count = 2 }
      labels       = { "example.org/gpu" = "t4" }
      taints       = [{ key = "example.org/course", value = "ml", effect = "NO_SCHEDULE" }]
    }
  }
  dask_nodes = {
    workers = { machine_type = "n2-highmem-16", min = 1, max = 50 }
  }
}

run "pools" {
  command = plan

  assert {
    condition     = toset(keys(google_container_node_pool.pool)) == toset(["core-pool", "nb-small", "nb-gpu-t4", "dask-workers"])
    error_message = "One core pool, nb-<name> per notebook_nodes entry, dask-<name> per dask_nodes entry."
  }

  # Core pool: always on, labelled core, untainted.
  assert {
    condition     = google_container_node_pool.pool["core-pool"].node_config[0].labels["hub.jupyter.org/node-purpose"] == "core"
    error_message = "The core pool is labelled hub.jupyter.org/node-purpose=core."
  }
  assert {
    condition = (google_container_node_pool.pool["core-pool"].autoscaling[0].total_min_node_count == 1 &&
    google_container_node_pool.pool["core-pool"].autoscaling[0].total_max_node_count == 3)
    error_message = "The core pool scales between 1 and core_node_max_count."
  }
  assert {
    condition     = google_container_node_pool.pool["core-pool"].node_config[0].machine_type == "e2-standard-4" && length(google_container_node_pool.pool["core-pool"].node_config[0].taint) == 0
    error_message = "The core pool runs core_node_machine_type, untainted."
  }

  # A plain user pool: scales from zero, user label and taint, on-demand.
  assert {
    condition = (google_container_node_pool.pool["nb-small"].autoscaling[0].total_min_node_count == 0 &&
      google_container_node_pool.pool["nb-small"].autoscaling[0].total_max_node_count == 20 &&
    google_container_node_pool.pool["nb-small"].initial_node_count == 0)
    error_message = "A user pool scales from zero (min default 0) to max."
  }
  assert {
    condition = (google_container_node_pool.pool["nb-small"].node_config[0].labels["hub.jupyter.org/node-purpose"] == "user" &&
    google_container_node_pool.pool["nb-small"].node_config[0].labels["k8s.dask.org/node-purpose"] == "scheduler")
    error_message = "User pools are labelled node-purpose=user (and host Dask schedulers)."
  }
  assert {
    condition     = [for t in google_container_node_pool.pool["nb-small"].node_config[0].taint : "${t.key}=${t.value}:${t.effect}"] == ["hub.jupyter.org_dedicated=user:NO_SCHEDULE"]
    error_message = "User pools carry z2jh's dedicated-user taint."
  }
  assert {
    condition = (!google_container_node_pool.pool["nb-small"].node_config[0].spot &&
      google_container_node_pool.pool["nb-small"].node_config[0].disk_type == "pd-balanced" &&
    google_container_node_pool.pool["nb-small"].node_config[0].disk_size_gb == 100)
    error_message = "User pool defaults: on-demand, 100 GB pd-balanced."
  }
  assert {
    condition     = google_container_node_pool.pool["nb-small"].node_config[0].workload_metadata_config[0].mode == "GKE_METADATA"
    error_message = "User pods never reach the node's metadata server."
  }
  assert {
    condition     = output.node_pools["nb-small"].gpu == null && !contains(keys(google_container_node_pool.pool["nb-small"].node_config[0].labels), "cloud.google.com/gke-accelerator")
    error_message = "No GPU unless asked."
  }

  # The GPU pool: accelerators with GKE's driver installation, spot, zones, extra labels and taints.
  assert {
    condition = (google_container_node_pool.pool["nb-gpu-t4"].node_config[0].guest_accelerator[0].type == "nvidia-tesla-t4" &&
    google_container_node_pool.pool["nb-gpu-t4"].node_config[0].guest_accelerator[0].count == 2)
    error_message = "The GPU pool has two T4s per node."
  }
  assert {
    condition     = google_container_node_pool.pool["nb-gpu-t4"].node_config[0].guest_accelerator[0].gpu_driver_installation_config[0].gpu_driver_version == "LATEST"
    error_message = "GKE installs the latest NVIDIA driver by default."
  }
  assert {
    condition = [for t in google_container_node_pool.pool["nb-gpu-t4"].node_config[0].taint : "${t.key}=${t.value}:${t.effect}"] == [
      "hub.jupyter.org_dedicated=user:NO_SCHEDULE", "nvidia.com/gpu=present:NO_SCHEDULE", "example.org/course=ml:NO_SCHEDULE",
    ]
    error_message = "A GPU pool gets the user taint, the GPU taint and its own."
  }
  assert {
    condition = (google_container_node_pool.pool["nb-gpu-t4"].node_config[0].labels["example.org/gpu"] == "t4" &&
    google_container_node_pool.pool["nb-gpu-t4"].node_config[0].labels["hub.jupyter.org/node-purpose"] == "user")
    error_message = "A pool's own labels are added to the module's."
  }
  assert {
    condition = (google_container_node_pool.pool["nb-gpu-t4"].node_config[0].spot &&
      google_container_node_pool.pool["nb-gpu-t4"].node_config[0].disk_type == "pd-ssd" &&
    google_container_node_pool.pool["nb-gpu-t4"].node_config[0].disk_size_gb == 200)
    error_message = "spot, disk_type and disk_size_gb reach the pool."
  }
  assert {
    condition     = google_container_node_pool.pool["nb-gpu-t4"].node_locations == toset(["us-central1-a", "us-central1-b"])
    error_message = "A pool's zones become its node locations."
  }

  # Dask workers: spot by default, their own label and taint, min across zones.
  assert {
    condition = (google_container_node_pool.pool["dask-workers"].node_config[0].spot &&
      google_container_node_pool.pool["dask-workers"].node_config[0].labels["k8s.dask.org/node-purpose"] == "worker" &&
    [for t in google_container_node_pool.pool["dask-workers"].node_config[0].taint : "${t.key}=${t.value}:${t.effect}"] == ["k8s.dask.org_dedicated=worker:NO_SCHEDULE"])
    error_message = "Dask pools: spot, node-purpose=worker, dask taint."
  }
  assert {
    condition = (google_container_node_pool.pool["dask-workers"].autoscaling[0].total_min_node_count == 1 &&
      google_container_node_pool.pool["dask-workers"].autoscaling[0].total_max_node_count == 50 &&
    google_container_node_pool.pool["dask-workers"].initial_node_count == 1)
    error_message = "Dask pool bounds come from min and max."
  }

  # Billing labels on every pool's VMs, and the pool map for hub profiles.
  assert {
    condition = alltrue([for name, p in google_container_node_pool.pool :
      p.node_config[0].resource_labels["twoi2chub-community"] == "pangeo-hackweek" && p.node_config[0].resource_labels["twoi2chub-node-pool"] == name
    ])
    error_message = "Every pool's VMs carry the community label and their pool's name."
  }
  assert {
    condition     = output.node_pools["nb-gpu-t4"].gpu == { type = "nvidia-tesla-t4", count = 2 } && output.node_pools["nb-gpu-t4"].node_selector == { "cloud.google.com/gke-nodepool" = "nb-gpu-t4" }
    error_message = "node_pools tells hub profiles what each pool offers and how to select it."
  }
  assert {
    condition     = output.node_pools["core-pool"].kind == "core" && output.node_pools["dask-workers"].max == 50
    error_message = "node_pools lists every pool with its kind and bounds."
  }
}
