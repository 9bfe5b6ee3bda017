# Conditions below use `x == null ? true : ...` rather than `x == null || ...`:
# Terraform before 1.12 evaluates both sides of `||`, and reading an attribute
# of null is an error.

# ---------------------------------------------------------------- identity

variable "project_id" {
  type        = string
  description = "ID (not name or number) of the Google Cloud project everything is created in, e.g. `\"hackweek-hub\"`."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lower-case letters, digits or hyphens, starting with a letter (see `gcloud projects list`), not the project's display name or number."
  }
}

variable "name" {
  type        = string
  description = "Name of the cluster, and prefix of the names of everything else the module creates (node service account `<name>-nodes`, hub service accounts `<name>-<hub>`, ...). Changing it replaces everything."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 16 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen, e.g. \"hackweek\": it prefixes Google service account IDs, which are at most 30 characters."
  }
}

variable "community" {
  type        = string
  description = "The community this cluster serves, as a label value, e.g. `\"pangeo-hackweek\"`. Every resource that takes labels gets `twoi2chub-community = <community>` (hub resources also `twoi2chub-hub = <hub>`), so the bill splits per community and per hub."

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,62}$", var.community))
    error_message = "community must be a label value: up to 63 lower-case letters, digits, hyphens or underscores, starting with a letter, e.g. \"pangeo-hackweek\"."
  }
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Further labels on every resource that takes labels, e.g. `{ cost-center = \"geo-42\" }`. The module's own `twoi2chub-*` labels win on a clash."

  validation {
    condition = alltrue([for k, v in var.labels :
    can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "labels keys must start with a lower-case letter and, like values, hold at most 63 lower-case letters, digits, hyphens or underscores (Google Cloud label rules)."
  }
}

# ---------------------------------------------------------------- location

variable "region" {
  type        = string
  description = "Region of the cluster, registry, buckets and backups, e.g. `\"us-central1\"`. Pick the one closest to the community's data."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as \"us-central1\" or \"europe-west4\" (not a zone like \"us-central1-b\")."
  }
}

variable "zone" {
  type        = string
  description = "Zone the nodes (and a BASIC or ZONAL Filestore) run in, inside `region`, e.g. `\"us-central1-b\"`. A regional cluster still keeps its nodes here unless a pool lists other `zones`."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", var.zone))
    error_message = "zone must be a Google Cloud zone such as \"us-central1-b\"."
  }
}

variable "regional_cluster" {
  type        = bool
  default     = true
  description = "Whether the control plane is replicated across the region's zones (a regional cluster, whose API stays up during upgrades) rather than in `zone` only. Both cost the same management fee, but the GKE free tier credit covers one zonal cluster. Changing it replaces the cluster."
}

# ---------------------------------------------------------------- versions

variable "release_channel" {
  type        = string
  default     = "REGULAR"
  description = "GKE release channel: `\"RAPID\"`, `\"REGULAR\"`, `\"STABLE\"` or `\"EXTENDED\"`, where GKE upgrades the control plane and nodes itself inside the maintenance window; or `\"UNSPECIFIED\"` to pin versions with `k8s_versions` and upgrade by hand (node auto-upgrade is then off)."

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE", "EXTENDED", "UNSPECIFIED"], var.release_channel)
    error_message = "release_channel must be \"RAPID\", \"REGULAR\", \"STABLE\", \"EXTENDED\", or \"UNSPECIFIED\" to pin versions with k8s_versions."
  }
}

variable "k8s_versions" {
  type = object({
    min_master_version     = optional(string)
    core_nodes_version     = optional(string)
    notebook_nodes_version = optional(string)
    dask_nodes_version     = optional(string)
  })
  default     = {}
  description = "Kubernetes versions (as 2i2c's `k8s_versions`): the control plane's minimum, e.g. `\"1.33\"`, and, only with `release_channel = \"UNSPECIFIED\"`, each kind of pool's version, e.g. `\"1.33.5-gke.1000000\"`. `gcloud container get-server-config --region REGION` lists them."

  validation {
    condition = alltrue([for v in values(var.k8s_versions) :
    v == null ? true : can(regex("^1\\.[0-9]+(\\.[0-9]+(-gke\\.[0-9]+)?)?$", v))])
    error_message = "k8s_versions entries must be GKE versions such as \"1.33\" or \"1.33.5-gke.1000000\" (see `gcloud container get-server-config`), or left unset."
  }
}

variable "maintenance_start_time" {
  type        = string
  default     = "03:00"
  description = "Start (UTC, `HH:MM`) of the daily four-hour window in which GKE may upgrade or repair the control plane and nodes. Pick a time nobody teaches in."

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_start_time))
    error_message = "maintenance_start_time must be a UTC time written HH:MM, e.g. \"03:00\"."
  }
}

# ---------------------------------------------------------------- network

variable "network" {
  type = object({
    create              = optional(bool, true)
    name                = optional(string)
    subnetwork          = optional(string)
    project             = optional(string)
    subnet_cidr         = optional(string, "10.0.0.0/20")
    pods_cidr           = optional(string, "10.16.0.0/14")
    services_cidr       = optional(string, "10.20.0.0/20")
    pods_range_name     = optional(string)
    services_range_name = optional(string)
  })
  default     = {}
  description = <<-EOT
    The VPC the cluster and Filestore use. By default (`create = true`) the module creates a VPC and
    subnet named after the cluster, with secondary ranges for pods and services. Where the community
    may not create networks, set `create = false` and give the existing VPC `name` and `subnetwork`
    (in `region`), `project` for a Shared VPC host project, and the subnet's secondary range names
    (`pods_range_name`, `services_range_name`); without range names GKE creates them in the subnet.
  EOT

  validation {
    condition     = var.network.create ? true : (var.network.name != null && var.network.subnetwork != null)
    error_message = "network: with create = false, give the existing VPC's name and subnetwork, e.g. { create = false, name = \"campus-vpc\", subnetwork = \"jupyter\" }."
  }

  validation {
    condition     = alltrue([for c in [var.network.subnet_cidr, var.network.pods_cidr, var.network.services_cidr] : can(cidrhost(c, 0))])
    error_message = "network: subnet_cidr, pods_cidr and services_cidr must be IPv4 CIDR ranges such as \"10.0.0.0/20\"."
  }
}

variable "private_nodes" {
  type        = bool
  default     = false
  description = "Whether nodes get internal addresses only (often an institution's rule). The control plane keeps its public endpoint. With a created network the module adds a Cloud Router and Cloud NAT so nodes can still pull images; with an existing network, outbound access is the network's."
}

variable "master_ipv4_cidr_block" {
  type        = string
  default     = "172.16.0.0/28"
  description = "A /28 for the control plane's private endpoint, used when `private_nodes` is true. It must not overlap any range of the VPC."

  validation {
    condition     = can(cidrhost(var.master_ipv4_cidr_block, 0)) && endswith(var.master_ipv4_cidr_block, "/28")
    error_message = "master_ipv4_cidr_block must be a /28 IPv4 range, e.g. \"172.16.0.0/28\"."
  }
}

# ---------------------------------------------------------------- node pools

variable "node_service_account" {
  type        = string
  default     = null
  description = "E-mail of an existing Google service account for the nodes. Unset: the module creates `<name>-nodes` and grants it the logging and monitoring roles GKE nodes need (which needs `roles/resourcemanager.projectIamAdmin`). Give one when you may not create service accounts or grant project roles; the module then only lets it pull from the Artifact Registry repository."

  validation {
    condition     = var.node_service_account == null ? true : can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.node_service_account))
    error_message = "node_service_account must be a service account e-mail such as \"gke-nodes@my-project.iam.gserviceaccount.com\", or unset to let the module create one."
  }
}

variable "core_node_machine_type" {
  type        = string
  default     = "n2-highmem-2"
  description = "Machine type of the always-on core pool (hub, proxy, scheduler), e.g. `\"n2-highmem-2\"`. These nodes are the base cost of the cluster: keep them few and small."

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z0-9-]+$", var.core_node_machine_type))
    error_message = "core_node_machine_type must be a Compute Engine machine type such as \"n2-highmem-2\" or \"e2-standard-4\"."
  }
}

variable "core_node_max_count" {
  type        = number
  default     = 5
  description = "Most core nodes the autoscaler may add; the pool never goes below one node."

  validation {
    condition     = var.core_node_max_count >= 1 && floor(var.core_node_max_count) == var.core_node_max_count
    error_message = "core_node_max_count must be a whole number of at least 1."
  }
}

variable "core_node_disk_size_gb" {
  type        = number
  default     = 50
  description = "Boot disk of each core node, in GB."

  validation {
    condition     = var.core_node_disk_size_gb >= 10
    error_message = "core_node_disk_size_gb must be at least 10 (GB)."
  }
}

variable "notebook_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, false)
    disk_type    = optional(string, "pd-balanced")
    disk_size_gb = optional(number, 100)
    zones        = optional(list(string))
    labels       = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
    gpu = optional(object({
      type           = string
      count          = optional(number, 1)
      driver_version = optional(string, "LATEST")
    }))
    resource_labels = optional(map(string), {})
  }))
  default     = {}
  description = <<-EOT
    Pools for users' servers, by name (the pool is `nb-<name>`), as 2i2c's `notebook_nodes`:
    `machine_type`, autoscaling bounds `min` (default 0: no node, no cost while nobody works) and
    `max` over all the pool's zones, `spot` VMs, `gpu = { type, count, driver_version }` (GKE installs
    the NVIDIA driver: `"LATEST"`, `"DEFAULT"` or `"INSTALLATION_DISABLED"`), `disk_type` and
    `disk_size_gb`, `zones` (default `zone`), Kubernetes `labels` and `taints` added to the module's
    own (`hub.jupyter.org/node-purpose = user`, taint `hub.jupyter.org_dedicated=user:NoSchedule`,
    and `nvidia.com/gpu=present:NoSchedule` on GPU pools), and `resource_labels` for billing.
    Example: `{ small = { machine_type = "n2-highmem-4", max = 20 }, gpu = { machine_type = "n1-standard-8", gpu = { type = "nvidia-tesla-t4" } } }`.
  EOT

  validation {
    condition     = alltrue([for k, p in var.notebook_nodes : can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", k))])
    error_message = "notebook_nodes keys must be 1 to 30 lower-case letters, digits or hyphens starting with a letter, e.g. \"small\" or \"gpu-t4\" (the pool is named nb-<key>)."
  }

  validation {
    condition = alltrue([for p in var.notebook_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "notebook_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 10."
  }

  validation {
    condition     = alltrue(flatten([for p in var.notebook_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "notebook_nodes: taint effects are written the GKE way: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\" (not NoSchedule)."
  }

  validation {
    condition = alltrue([for p in var.notebook_nodes :
    p.gpu == null ? true : (p.gpu.count >= 1 && contains(["LATEST", "DEFAULT", "INSTALLATION_DISABLED"], p.gpu.driver_version))])
    error_message = "notebook_nodes: gpu needs count >= 1 and driver_version \"LATEST\", \"DEFAULT\" or \"INSTALLATION_DISABLED\", e.g. gpu = { type = \"nvidia-tesla-t4\", count = 1 }."
  }

  validation {
    condition     = alltrue([for p in var.notebook_nodes : contains(["pd-standard", "pd-balanced", "pd-ssd", "pd-extreme", "hyperdisk-balanced"], p.disk_type) && p.disk_size_gb >= 10])
    error_message = "notebook_nodes: disk_type must be \"pd-standard\", \"pd-balanced\", \"pd-ssd\", \"pd-extreme\" or \"hyperdisk-balanced\", and disk_size_gb at least 10."
  }
}

variable "dask_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, true)
    disk_type    = optional(string, "pd-balanced")
    disk_size_gb = optional(number, 100)
    zones        = optional(list(string))
    labels       = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
    gpu = optional(object({
      type           = string
      count          = optional(number, 1)
      driver_version = optional(string, "LATEST")
    }))
    resource_labels = optional(map(string), {})
  }))
  default     = {}
  description = "Pools for Dask workers, by name (the pool is `dask-<name>`), with the fields of `notebook_nodes`; `spot` defaults to true, and the module's own label and taint are `k8s.dask.org/node-purpose = worker` and `k8s.dask.org_dedicated=worker:NoSchedule`."

  validation {
    condition     = alltrue([for k, p in var.dask_nodes : can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", k))])
    error_message = "dask_nodes keys must be 1 to 30 lower-case letters, digits or hyphens starting with a letter, e.g. \"workers\" (the pool is named dask-<key>)."
  }

  validation {
    condition = alltrue([for p in var.dask_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "dask_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 50."
  }

  validation {
    condition     = alltrue(flatten([for p in var.dask_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "dask_nodes: taint effects are written the GKE way: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\" (not NoSchedule)."
  }

  validation {
    condition = alltrue([for p in var.dask_nodes :
    p.gpu == null ? true : (p.gpu.count >= 1 && contains(["LATEST", "DEFAULT", "INSTALLATION_DISABLED"], p.gpu.driver_version))])
    error_message = "dask_nodes: gpu needs count >= 1 and driver_version \"LATEST\", \"DEFAULT\" or \"INSTALLATION_DISABLED\"."
  }

  validation {
    condition     = alltrue([for p in var.dask_nodes : contains(["pd-standard", "pd-balanced", "pd-ssd", "pd-extreme", "hyperdisk-balanced"], p.disk_type) && p.disk_size_gb >= 10])
    error_message = "dask_nodes: disk_type must be \"pd-standard\", \"pd-balanced\", \"pd-ssd\", \"pd-extreme\" or \"hyperdisk-balanced\", and disk_size_gb at least 10."
  }
}

# ---------------------------------------------------------------- images

variable "artifact_registry" {
  type = object({
    repository_id              = optional(string, "user-images")
    delete_untagged_after_days = optional(number, 30)
  })
  default     = {}
  description = "The Docker repository in Artifact Registry (in `region`) that user images are pushed to and nodes pull from. `delete_untagged_after_days` sets a cleanup policy (0: keep everything). Set to `null` to create none."

  validation {
    condition     = var.artifact_registry == null ? true : can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.artifact_registry.repository_id))
    error_message = "artifact_registry.repository_id must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter, e.g. \"user-images\"."
  }

  validation {
    condition     = var.artifact_registry == null ? true : var.artifact_registry.delete_untagged_after_days >= 0
    error_message = "artifact_registry.delete_untagged_after_days must be 0 (keep everything) or a number of days."
  }
}

variable "image_builder" {
  type = object({
    namespace              = optional(string, "twoi2chub-builds")
    service_account        = optional(string, "image-builder")
    google_service_account = optional(string)
  })
  default     = {}
  description = "Who pushes user images: the Kubernetes ServiceAccount `service_account` in `namespace` (where `twoi2chub_user_image` runs its build Jobs) is bound through Workload Identity to a Google service account allowed to write to the repository: `<name>-builder`, or the existing `google_service_account` (an e-mail) when you may not create service accounts. No key is ever made."

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_builder.namespace)) && can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.image_builder.service_account))
    error_message = "image_builder: namespace must be a Kubernetes namespace name (lower-case letters, digits, hyphens, at most 63) and service_account a ServiceAccount name, e.g. { namespace = \"twoi2chub-builds\", service_account = \"image-builder\" }."
  }

  validation {
    condition     = var.image_builder.google_service_account == null ? true : can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.image_builder.google_service_account))
    error_message = "image_builder.google_service_account must be a service account e-mail such as \"builder@my-project.iam.gserviceaccount.com\", or unset to let the module create one."
  }
}

# ---------------------------------------------------------------- storage

variable "filestore" {
  type = object({
    tier        = optional(string, "BASIC_HDD")
    capacity_gb = optional(number, 1024)
    share_name  = optional(string, "homes")
    backups = optional(object({
      enabled        = optional(bool, true)
      retention_days = optional(number, 30)
      start_hour_utc = optional(number, 2)
    }), {})
  })
  default     = null
  description = <<-EOT
    Home directories on a Filestore NFS share in the cluster's VPC; unset for none (the hub then uses
    per-user disks). Output `home_storage` plugs into `twoi2chub_hub`'s `storage`. `tier` is
    `"BASIC_HDD"` (at least 1024 GB), `"BASIC_SSD"` (at least 2560 GB), `"ZONAL"` or `"REGIONAL"`
    (at least 1024 GB). Daily backups through Backup and DR are on by default (`backups`), kept
    `retention_days`, taken in a six-hour window starting at `start_hour_utc`.
  EOT

  validation {
    condition     = var.filestore == null ? true : contains(["BASIC_HDD", "BASIC_SSD", "ZONAL", "REGIONAL"], var.filestore.tier)
    error_message = "filestore.tier must be \"BASIC_HDD\", \"BASIC_SSD\", \"ZONAL\" or \"REGIONAL\"."
  }

  validation {
    condition     = var.filestore == null ? true : var.filestore.capacity_gb >= (var.filestore.tier == "BASIC_SSD" ? 2560 : 1024)
    error_message = "filestore.capacity_gb is below the tier's minimum: 2560 GB for BASIC_SSD, 1024 GB for the other tiers."
  }

  validation {
    condition     = var.filestore == null ? true : can(regex("^[a-z][a-z0-9_]{0,15}$", var.filestore.share_name))
    error_message = "filestore.share_name must be 1 to 16 lower-case letters, digits or underscores, starting with a letter, e.g. \"homes\"."
  }

  validation {
    condition = var.filestore == null ? true : (var.filestore.backups.retention_days >= 1 &&
    var.filestore.backups.start_hour_utc >= 0 && var.filestore.backups.start_hour_utc <= 23)
    error_message = "filestore.backups: retention_days must be at least 1 and start_hour_utc a whole hour from 0 to 23."
  }
}

variable "hubs" {
  type = map(object({
    namespace                 = optional(string)
    user_service_account      = optional(string, "user-sa")
    google_service_account    = optional(string)
    scratch_bucket            = optional(bool, true)
    scratch_delete_after_days = optional(number, 7)
    persistent_bucket         = optional(bool, false)
    bucket_access             = optional(map(string), {})
    requester_pays            = optional(bool, false)
  }))
  default     = {}
  description = <<-EOT
    Cloud resources per hub, by a short hub name, as 2i2c's `hub_cloud_permissions` and
    `user_buckets`. Each hub gets a Google service account (`<name>-<hub>`, or the existing
    `google_service_account`) bound through Workload Identity to the Kubernetes ServiceAccount
    `user_service_account` in `namespace` (default the hub name) that its user servers run as;
    a scratch bucket whose objects are deleted after `scratch_delete_after_days`
    (`scratch_bucket = false` for none) and optionally a `persistent_bucket`, both read-write for
    its users; `bucket_access` to further buckets by name, `"read"` or `"read-write"`; and with
    `requester_pays`, the right to bill this project for requester-pays buckets.
    Example: `{ staging = {}, prod = { persistent_bucket = true, bucket_access = { "shared-era5" = "read" } } }`.
  EOT

  validation {
    condition     = alltrue([for k, h in var.hubs : can(regex("^[a-z][a-z0-9-]{0,11}[a-z0-9]$", k)) && !contains(["nodes", "builder"], k)])
    error_message = "hubs keys must be 2 to 13 lower-case letters, digits or hyphens, starting with a letter, e.g. \"staging\": with the cluster name they form service account IDs of at most 30 characters, and \"nodes\" and \"builder\" are the module's own."
  }

  validation {
    condition = alltrue([for h in var.hubs :
    h.namespace == null ? true : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", h.namespace))])
    error_message = "hubs: namespace must be a Kubernetes namespace name: at most 63 lower-case letters, digits or hyphens, e.g. \"staging\"."
  }

  validation {
    condition     = alltrue(flatten([for h in var.hubs : [for b, a in h.bucket_access : contains(["read", "read-write"], a)]]))
    error_message = "hubs: bucket_access values must be \"read\" or \"read-write\", e.g. bucket_access = { \"shared-era5\" = \"read\" }."
  }

  validation {
    condition     = alltrue([for h in var.hubs : h.scratch_delete_after_days >= 1])
    error_message = "hubs: scratch_delete_after_days must be at least 1; use scratch_bucket = false for no scratch bucket."
  }

  validation {
    condition = alltrue([for h in var.hubs :
    h.google_service_account == null ? true : can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", h.google_service_account))])
    error_message = "hubs: google_service_account must be a service account e-mail such as \"staging-users@my-project.iam.gserviceaccount.com\", or unset to let the module create one."
  }
}

variable "bucket_name_prefix" {
  type        = string
  default     = null
  description = "Prefix of bucket names (`<prefix>-<hub>-scratch`, `<prefix>-<hub>-persistent`); default `project_id`, which is globally unique. Set it when two clusters in one project have hubs of the same name."

  validation {
    condition     = var.bucket_name_prefix == null ? true : can(regex("^[a-z0-9][a-z0-9-]{1,29}$", var.bucket_name_prefix))
    error_message = "bucket_name_prefix must be 2 to 30 lower-case letters, digits or hyphens, starting with a letter or digit."
  }
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Whether Terraform refuses to delete what holds data: the cluster (hub databases live on its disks), the Filestore, its backup vault and persistent buckets. Set to false and apply before `terraform destroy`. Scratch buckets and the registry are not protected."
}

# ---------------------------------------------------------------- budget

variable "budget" {
  type = object({
    billing_account       = string
    project_number        = string
    amount                = number
    currency_code         = optional(string, "USD")
    thresholds            = optional(list(number), [0.5, 0.9, 1.0])
    forecast_threshold    = optional(number, 1.0)
    emails                = optional(list(string), [])
    notify_billing_admins = optional(bool, true)
  })
  default     = null
  description = <<-EOT
    A monthly billing budget on the project with e-mail alerts; unset for none. `billing_account` as
    `"012345-6789AB-CDEF01"`, `project_number` (`gcloud projects describe PROJECT
    --format='value(projectNumber)'`: the budget filter must name the project by number), `amount`
    in whole units of `currency_code`, alerts when actual spend passes each of `thresholds`
    (fractions of the amount, ascending) and when forecast spend passes `forecast_threshold` (null
    for none), sent to up to five `emails` and, unless `notify_billing_admins = false`, to the billing
    account's administrators.
  EOT

  validation {
    condition     = var.budget == null ? true : can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.budget.billing_account))
    error_message = "budget.billing_account must be a billing account ID such as \"012345-6789AB-CDEF01\" (`gcloud billing accounts list`)."
  }

  validation {
    condition     = var.budget == null ? true : can(regex("^[0-9]{6,20}$", var.budget.project_number))
    error_message = "budget.project_number must be the project's number, e.g. \"123456789012\": run gcloud projects describe PROJECT --format='value(projectNumber)'."
  }

  validation {
    condition     = var.budget == null ? true : (var.budget.amount > 0 && floor(var.budget.amount) == var.budget.amount && can(regex("^[A-Z]{3}$", var.budget.currency_code)))
    error_message = "budget.amount must be a whole, positive amount of currency_code (a three-letter code such as \"USD\" or \"EUR\", the billing account's currency)."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.thresholds) > 0 &&
      alltrue([for t in var.budget.thresholds : t > 0]) &&
    alltrue([for i in range(1, length(var.budget.thresholds)) : var.budget.thresholds[i] > var.budget.thresholds[i - 1]]))
    error_message = "budget.thresholds must be positive fractions of the amount in ascending order, e.g. [0.5, 0.9, 1.0] (the Budget API reorders others, which would show as a change on every plan)."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.emails) <= 5 &&
    alltrue([for e in var.budget.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))]))
    error_message = "budget.emails must be at most five e-mail addresses (a budget notifies at most five channels), e.g. [\"it@example.org\"]."
  }
}
