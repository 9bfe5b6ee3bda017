# The cross-cloud row: modules/gke, modules/eks and modules/aks take the same
# pool map (only machine types differ: each cloud names its own) and give the
# same node_pools output. internal/tfmodule's TestCloudModulesShareOnePoolMap
# checks that the three files hold the same map and assertions.

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

  notebook_nodes = {
    small = { machine_type = "n2-highmem-4", max = 20, labels = { "example.org/course" = "ml" } }
    gpu = {
      machine_type = "n1-standard-8"
      max          = 4
      spot         = true
      disk_size_gb = 200
      gpu          = { type = "nvidia-tesla-t4", count = 1 }
      taints       = [{ key = "example.org/gpu", value = "t4", effect = "NO_SCHEDULE" }]
    }
  }
  dask_nodes = {
    workers = { machine_type = "n2-highmem-16", min = 1, max = 50 }
  }
}

run "same_pools" {
  command = plan

  assert {
    condition     = toset(keys(output.node_pools)) == toset(["core-pool", "nb-small", "nb-gpu", "dask-workers"])
    error_message = "The same pool keys on every cloud: core-pool, nb-<name>, dask-<name>."
  }
  assert {
    condition = ([for k in ["core-pool", "nb-small", "nb-gpu", "dask-workers"] : output.node_pools[k].kind] == ["core", "notebook", "notebook", "dask"] &&
      [for k in ["nb-small", "nb-gpu", "dask-workers"] : [output.node_pools[k].min, output.node_pools[k].max]] == [[0, 20], [0, 4], [1, 50]] &&
    [for k in ["nb-small", "nb-gpu", "dask-workers"] : output.node_pools[k].spot] == [false, true, true])
    error_message = "Kinds, bounds and spot come from the map alike."
  }
  assert {
    condition     = output.node_pools["nb-gpu"].gpu == { type = "nvidia-tesla-t4", count = 1 } && output.node_pools["nb-small"].gpu == null
    error_message = "GPUs come from the map alike."
  }
  assert {
    condition = (output.node_pools["nb-small"].labels["hub.jupyter.org/node-purpose"] == "user" &&
      output.node_pools["nb-small"].labels["example.org/course"] == "ml" &&
      output.node_pools["dask-workers"].labels["k8s.dask.org/node-purpose"] == "worker" &&
    output.node_pools["core-pool"].labels["hub.jupyter.org/node-purpose"] == "core")
    error_message = "z2jh's node-purpose labels and the map's own labels, alike."
  }
  assert {
    condition = (contains(output.node_pools["nb-gpu"].taints, { key = "hub.jupyter.org_dedicated", value = "user", effect = "NO_SCHEDULE" }) &&
      contains(output.node_pools["nb-gpu"].taints, { key = "nvidia.com/gpu", value = "present", effect = "NO_SCHEDULE" }) &&
    contains(output.node_pools["nb-gpu"].taints, { key = "example.org/gpu", value = "t4", effect = "NO_SCHEDULE" }))
    error_message = "The user, GPU and map's taints, spelled alike."
  }
  assert {
    condition     = alltrue([for k, p in output.node_pools : length(p.node_selector) == 1])
    error_message = "Each pool says which one node label selects it."
  }
}
