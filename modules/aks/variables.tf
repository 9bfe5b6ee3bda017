# Conditions below use `x == null ? true : ...` rather than `x == null || ...`:
# Terraform before 1.12 evaluates both sides of `||`, and reading an attribute
# of null is an error. Names follow modules/gke wherever the concept is the same.

# ---------------------------------------------------------------- identity

variable "resource_group_name" {
  type        = string
  description = "Resource group everything is created in (GKE's project), e.g. `\"hackweek-hub\"`. With `create_resource_group = false` it must exist: a subscription's owner can give a community one group and the Contributor and User Access Administrator roles on it, nothing more."

  validation {
    condition     = can(regex("^[-\\w._()]{1,89}[-\\w_()]$", var.resource_group_name))
    error_message = "resource_group_name must be 1 to 90 letters, digits, underscores, hyphens, periods or parentheses, not ending with a period, e.g. \"hackweek-hub\"."
  }
}

variable "create_resource_group" {
  type        = bool
  default     = true
  description = "Whether the module creates `resource_group_name` (which needs a role on the subscription), or uses an existing one."
}

variable "name" {
  type        = string
  description = "Name of the AKS cluster, and prefix of the names of everything else the module creates (identities `<name>-builder`, `<name>-<hub>`, ...). Changing it replaces everything."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen, e.g. \"hackweek\"."
  }
}

variable "community" {
  type        = string
  description = "The community this cluster serves, e.g. `\"pangeo-hackweek\"`. Every resource that takes tags gets `twoi2chub-community = <community>` (hub resources also `twoi2chub-hub = <hub>`), so Cost Management splits the bill per community and per hub."

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,62}$", var.community))
    error_message = "community must be up to 63 lower-case letters, digits, hyphens or underscores, starting with a letter, e.g. \"pangeo-hackweek\" (the same rule as on GKE and EKS, so a community keeps its name across clouds)."
  }
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Further tags on every resource that takes tags (as on GKE, where they are labels), e.g. `{ cost-center = \"geo-42\" }`. The module's own `twoi2chub-*` tags win on a clash."

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[^<>%&\\\\?/]{1,512}$", k)) && length(v) <= 256])
    error_message = "labels keys must be 1 to 512 characters without < > % & \\ ? /, and values at most 256 characters (Azure tag rules)."
  }
}

# ---------------------------------------------------------------- location

variable "region" {
  type        = string
  description = "Azure region (location) of the cluster, registry, storage and budget, e.g. `\"westeurope\"` or `\"eastus2\"`. Pick the one closest to the community's data."

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.region))
    error_message = "region must be an Azure location name such as \"westeurope\" or \"eastus2\" (`az account list-locations -o table`, column Name), not a display name like \"West Europe\"."
  }
}

variable "zone" {
  type        = string
  default     = null
  description = "Availability zone the nodes run in, `\"1\"`, `\"2\"` or `\"3\"`, so that disks (each hub's database) can always be attached again; unset in regions without zones or to let Azure place nodes. A pool's `zones` override it."

  validation {
    condition     = var.zone == null ? true : contains(["1", "2", "3"], var.zone)
    error_message = "zone must be \"1\", \"2\" or \"3\" (Azure availability zones), or unset."
  }
}

# ---------------------------------------------------------------- versions

variable "k8s_versions" {
  type = object({
    min_master_version     = optional(string)
    core_nodes_version     = optional(string)
    notebook_nodes_version = optional(string)
    dask_nodes_version     = optional(string)
  })
  default     = {}
  description = "Kubernetes versions (as on GKE and 2i2c's `k8s_versions`): `min_master_version` is the control plane's version, e.g. `\"1.33\"` (unset: AKS's default), and each kind of pool may be pinned, e.g. `\"1.32\"` (unset: the control plane's). AKS applies patches itself (`automatic_upgrade_channel = \"patch\"`). `az aks get-versions --location REGION` lists them."

  validation {
    condition = alltrue([for v in values(var.k8s_versions) :
    v == null ? true : can(regex("^1\\.[0-9]+(\\.[0-9]+)?$", v))])
    error_message = "k8s_versions entries must be AKS versions such as \"1.33\" or \"1.33.2\" (see az aks get-versions), or left unset."
  }
}

variable "maintenance_start_time" {
  type        = string
  default     = "03:00"
  description = "Start (UTC, `HH:MM`, whole hours on AKS) of the daily four-hour window in which AKS may upgrade the control plane and nodes. Pick a time nobody teaches in."

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):00$", var.maintenance_start_time))
    error_message = "maintenance_start_time must be a whole UTC hour written HH:00, e.g. \"03:00\" (AKS windows start on the hour)."
  }
}

# ---------------------------------------------------------------- network

variable "network" {
  type = object({
    create        = optional(bool, true)
    address_space = optional(string, "10.0.0.0/16")
    subnet_cidr   = optional(string, "10.0.0.0/20")
    subnet_id     = optional(string)
    pods_cidr     = optional(string, "10.244.0.0/16")
    services_cidr = optional(string, "10.245.0.0/16")
  })
  default     = {}
  description = <<-EOT
    The virtual network. By default (`create = true`) the module creates a VNet of `address_space`
    with a node subnet of `subnet_cidr` (pods get addresses from `pods_cidr`, an overlay, so the
    subnet only needs one address per node). Where the community may not create networks, set
    `create = false` and give the existing subnet's resource ID as `subnet_id`; it needs the
    `Microsoft.Storage` service endpoint for home directories on Azure Files.
  EOT

  validation {
    condition     = var.network.create ? true : (var.network.subnet_id == null ? false : can(regex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Network/virtualNetworks/[^/]+/subnets/[^/]+$", var.network.subnet_id)))
    error_message = "network: with create = false, give the existing subnet's resource ID as subnet_id, e.g. \"/subscriptions/<id>/resourceGroups/campus-net/providers/Microsoft.Network/virtualNetworks/campus/subnets/jupyter\"."
  }

  validation {
    condition     = alltrue([for c in [var.network.address_space, var.network.subnet_cidr, var.network.pods_cidr, var.network.services_cidr] : can(cidrhost(c, 0))])
    error_message = "network: address_space, subnet_cidr, pods_cidr and services_cidr must be IPv4 CIDR ranges such as \"10.0.0.0/16\"."
  }
}

# ---------------------------------------------------------------- access

variable "local_accounts" {
  type        = bool
  default     = false
  description = "Whether the cluster keeps its own local admin account. False (the default): people and Terraform authenticate with Microsoft Entra ID (output `exec` runs `kubelogin` with the Azure CLI's login) and are authorized by Azure roles. True: output `connection` carries the cluster's own admin client certificate instead, which then sits in Terraform's state (for a subscription without Entra ID rights)."
}

variable "admin_object_ids" {
  type        = list(string)
  default     = []
  description = "Object IDs of Entra ID users or groups given `Azure Kubernetes Service RBAC Cluster Admin` on the cluster, e.g. the hub engineers' group. Whoever applies needs that role too, to deploy hubs (add their own ID)."

  validation {
    condition     = alltrue([for id in var.admin_object_ids : can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", id))])
    error_message = "admin_object_ids must be object IDs (GUIDs) such as \"00000000-0000-0000-0000-000000000000\": `az ad group show --group NAME --query id`."
  }
}

variable "cluster_identity_id" {
  type        = string
  default     = null
  description = "Resource ID of an existing user-assigned managed identity for the cluster's control plane (it needs Network Contributor on an existing subnet). Unset: a system-assigned identity."

  validation {
    condition     = var.cluster_identity_id == null ? true : can(regex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ManagedIdentity/userAssignedIdentities/[^/]+$", var.cluster_identity_id))
    error_message = "cluster_identity_id must be a user-assigned identity's resource ID, \"/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>\", or unset."
  }
}

# ---------------------------------------------------------------- node pools

variable "core_node_machine_type" {
  type        = string
  default     = "Standard_E2s_v5"
  description = "VM size of the always-on core pool (hub, proxy, scheduler), e.g. `\"Standard_E2s_v5\"`. These nodes are the base cost of the cluster: keep them few and small."

  validation {
    condition     = can(regex("^Standard_[A-Za-z0-9_]+$", var.core_node_machine_type))
    error_message = "core_node_machine_type must be an Azure VM size such as \"Standard_E2s_v5\" (`az vm list-sizes --location REGION`)."
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
  description = "OS disk of each core node, in GB."

  validation {
    condition     = var.core_node_disk_size_gb >= 30
    error_message = "core_node_disk_size_gb must be at least 30 (GB), what AKS's node images need."
  }
}

variable "notebook_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, false)
    disk_size_gb = optional(number, 100)
    zones        = optional(list(string))
    labels       = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
    gpu = optional(object({
      type  = optional(string)
      count = optional(number, 1)
    }))
    resource_labels = optional(map(string), {})
  }))
  default     = {}
  description = <<-EOT
    Pools for users' servers, by name (the pool is `nb<name>`: AKS pool names are letters and digits
    only), in the shape of modules/gke's `notebook_nodes` (fields another cloud does not have are
    ignored): `machine_type` (the VM size, 2i2c's `vm_size`), autoscaling bounds `min` (default 0: no
    node, no cost while nobody works) and `max`, `spot` VMs, `gpu = { type, count }` (the VM size's
    GPUs: AKS installs the NVIDIA driver), `disk_size_gb`, `zones` (default `zone`), Kubernetes `labels`
    and `taints` added to the module's own (`hub.jupyter.org/node-purpose = user`, taint
    `hub.jupyter.org_dedicated=user:NoSchedule`, and `nvidia.com/gpu=present:NoSchedule` on GPU
    pools), and `resource_labels`, further tags. Example:
    `{ small = { machine_type = "Standard_E4s_v5", max = 20 }, gpu = { machine_type = "Standard_NC4as_T4_v3", gpu = { count = 1 } } }`.
  EOT

  validation {
    condition     = alltrue([for k, p in var.notebook_nodes : can(regex("^[a-z][a-z0-9]{0,9}$", k))])
    error_message = "notebook_nodes keys must be 1 to 10 lower-case letters or digits starting with a letter, e.g. \"small\" or \"gput4\": the pool is named nb<key>, and AKS pool names are at most 12 letters and digits."
  }

  validation {
    condition = alltrue([for p in var.notebook_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "notebook_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 10."
  }

  validation {
    condition     = alltrue(flatten([for p in var.notebook_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "notebook_nodes: taint effects are written as on GKE and EKS: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\" (the module writes them the Kubernetes way for AKS)."
  }

  validation {
    condition     = alltrue([for p in var.notebook_nodes : can(regex("^Standard_[A-Za-z0-9_]+$", p.machine_type)) && p.disk_size_gb >= 30])
    error_message = "notebook_nodes: machine_type must be an Azure VM size such as \"Standard_E4s_v5\" or \"Standard_NC4as_T4_v3\", and disk_size_gb at least 30."
  }

  validation {
    condition     = alltrue([for p in var.notebook_nodes : p.gpu == null ? true : p.gpu.count >= 1])
    error_message = "notebook_nodes: gpu.count is the VM size's number of GPUs, at least 1, e.g. gpu = { count = 1 } for Standard_NC4as_T4_v3."
  }
}

variable "dask_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, true)
    disk_size_gb = optional(number, 100)
    zones        = optional(list(string))
    labels       = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
    gpu = optional(object({
      type  = optional(string)
      count = optional(number, 1)
    }))
    resource_labels = optional(map(string), {})
  }))
  default     = {}
  description = "Pools for Dask workers, by name (the pool is `dask<name>`), with the fields of `notebook_nodes`; `spot` defaults to true, and the module's own label and taint are `k8s.dask.org/node-purpose = worker` and `k8s.dask.org_dedicated=worker:NoSchedule`."

  validation {
    condition     = alltrue([for k, p in var.dask_nodes : can(regex("^[a-z][a-z0-9]{0,7}$", k))])
    error_message = "dask_nodes keys must be 1 to 8 lower-case letters or digits starting with a letter, e.g. \"workers\": the pool is named dask<key>, and AKS pool names are at most 12 letters and digits."
  }

  validation {
    condition = alltrue([for p in var.dask_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "dask_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 50."
  }

  validation {
    condition     = alltrue(flatten([for p in var.dask_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "dask_nodes: taint effects are written as on GKE and EKS: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\"."
  }

  validation {
    condition     = alltrue([for p in var.dask_nodes : can(regex("^Standard_[A-Za-z0-9_]+$", p.machine_type)) && p.disk_size_gb >= 30])
    error_message = "dask_nodes: machine_type must be an Azure VM size such as \"Standard_E16s_v5\", and disk_size_gb at least 30."
  }

  validation {
    condition     = alltrue([for p in var.dask_nodes : p.gpu == null ? true : p.gpu.count >= 1])
    error_message = "dask_nodes: gpu.count is the VM size's number of GPUs, at least 1."
  }
}

# ---------------------------------------------------------------- images

variable "image_registry" {
  type = object({
    name = string
    sku  = optional(string, "Basic")
  })
  default     = null
  description = "An Azure Container Registry user images are pushed to and nodes pull from (GKE's `artifact_registry`): `name` is global across Azure, 5 to 50 letters and digits, e.g. `\"hackweekimages\"`; `sku` `\"Basic\"`, `\"Standard\"` or `\"Premium\"`. Unset for none."

  validation {
    condition     = var.image_registry == null ? true : can(regex("^[a-zA-Z0-9]{5,50}$", var.image_registry.name)) && contains(["Basic", "Standard", "Premium"], var.image_registry.sku)
    error_message = "image_registry: name must be 5 to 50 letters or digits (global across Azure), e.g. \"hackweekimages\", and sku \"Basic\", \"Standard\" or \"Premium\"."
  }
}

variable "image_builder" {
  type = object({
    namespace       = optional(string, "twoi2chub-builds")
    service_account = optional(string, "image-builder")
  })
  default     = {}
  description = "Who pushes user images: the Kubernetes ServiceAccount `service_account` in `namespace` (where `twoi2chub_user_image` runs its build Jobs) is federated through Workload Identity with the managed identity `<name>-builder`, which holds AcrPush on the registry. No secret is ever made."

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_builder.namespace)) && can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.image_builder.service_account))
    error_message = "image_builder: namespace must be a Kubernetes namespace name (lower-case letters, digits, hyphens, at most 63) and service_account a ServiceAccount name, e.g. { namespace = \"twoi2chub-builds\", service_account = \"image-builder\" }."
  }
}

# ---------------------------------------------------------------- storage

variable "storage_account_prefix" {
  type        = string
  default     = null
  description = "Prefix of the storage accounts the module creates, global across Azure: `<prefix>homes` (Azure Files Premium, for `azure_files`) and `<prefix>data` (blob containers of `hubs`). 3 to 19 lower-case letters and digits, e.g. `\"hackweekhub\"`. Needed when either is used."

  validation {
    condition     = var.storage_account_prefix == null ? true : can(regex("^[a-z0-9]{3,19}$", var.storage_account_prefix))
    error_message = "storage_account_prefix must be 3 to 19 lower-case letters and digits (storage account names are global across Azure and at most 24 characters), e.g. \"hackweekhub\"."
  }
}

variable "azure_files" {
  type = object({
    capacity_gb = optional(number, 100)
    share_name  = optional(string, "homes")
  })
  default     = null
  description = "Home directories on an NFS share of Azure Files Premium (GKE's `filestore`), reachable from the node subnet only; unset for none (the hub then uses per-user disks). Output `home_storage` plugs into `twoi2chub_hub`'s `storage`. Premium shares are billed by provisioned `capacity_gb` (at least 100)."

  validation {
    condition     = var.azure_files == null ? true : var.azure_files.capacity_gb >= 100 && can(regex("^[a-z0-9][a-z0-9-]{2,62}$", var.azure_files.share_name))
    error_message = "azure_files: capacity_gb must be at least 100 (Premium file shares) and share_name 3 to 63 lower-case letters, digits or hyphens, e.g. \"homes\"."
  }
}

variable "hubs" {
  type = map(object({
    namespace                 = optional(string)
    user_service_account      = optional(string, "user-sa")
    scratch_bucket            = optional(bool, true)
    scratch_delete_after_days = optional(number, 7)
    persistent_bucket         = optional(bool, false)
    bucket_access             = optional(map(string), {})
  }))
  default     = {}
  description = <<-EOT
    Cloud resources per hub, by a short hub name, as 2i2c's `hub_cloud_permissions` and
    `user_buckets` (and modules/gke's `hubs`). Each hub gets a managed identity `<name>-<hub>`
    federated through Workload Identity with the Kubernetes ServiceAccount `user_service_account` in
    `namespace` (default the hub name); a scratch container in the account `<storage_account_prefix>data` whose blobs are
    deleted after `scratch_delete_after_days` (`scratch_bucket = false` for none) and optionally a
    `persistent_bucket` container, both read-write for its users (Storage Blob Data Contributor); and
    `bucket_access` to further containers by resource ID, `"read"` or `"read-write"`.
  EOT

  validation {
    condition     = alltrue([for k, h in var.hubs : can(regex("^[a-z][a-z0-9-]{0,11}[a-z0-9]$", k)) && !contains(["builder", "cluster"], k)])
    error_message = "hubs keys must be 2 to 13 lower-case letters, digits or hyphens, starting with a letter, e.g. \"staging\" (as on GKE), and \"builder\" and \"cluster\" are the module's own."
  }

  validation {
    condition = alltrue([for h in var.hubs :
    h.namespace == null ? true : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", h.namespace))])
    error_message = "hubs: namespace must be a Kubernetes namespace name: at most 63 lower-case letters, digits or hyphens, e.g. \"staging\"."
  }

  validation {
    condition = alltrue(flatten([for h in var.hubs : [for c, a in h.bucket_access : contains(["read", "read-write"], a) &&
    can(regex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[^/]+/blobServices/default/containers/[^/]+$", c))]]))
    error_message = "hubs: bucket_access maps container resource IDs (\"/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<account>/blobServices/default/containers/<name>\") to \"read\" or \"read-write\"."
  }

  validation {
    condition     = alltrue([for h in var.hubs : h.scratch_delete_after_days >= 1])
    error_message = "hubs: scratch_delete_after_days must be at least 1; use scratch_bucket = false for no scratch container."
  }
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Whether what holds data refuses deletion: the storage account of home directories and persistent containers gets a CanNotDelete lock, which Terraform cannot lift without this set to false (apply, then destroy). The cluster's disks (hub databases) are Kubernetes' volumes and kept by their reclaim policy."
}

# ---------------------------------------------------------------- budget

variable "budget" {
  type = object({
    amount             = number
    thresholds         = optional(list(number), [0.5, 0.9, 1.0])
    forecast_threshold = optional(number, 1.0)
    emails             = optional(list(string), [])
  })
  default     = null
  description = <<-EOT
    A monthly consumption budget on the resource group with e-mail alerts; unset for none. `amount` in
    whole units of the billing currency, alerts when actual spend passes each of `thresholds`
    (fractions of the amount, ascending) and when forecast spend passes `forecast_threshold` (null for
    none): at most five alerts in all, sent to `emails`.
  EOT

  validation {
    condition     = var.budget == null ? true : (var.budget.amount > 0 && floor(var.budget.amount) == var.budget.amount)
    error_message = "budget.amount must be a whole, positive amount of the billing currency."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.thresholds) > 0 &&
      length(var.budget.thresholds) + (var.budget.forecast_threshold == null ? 0 : 1) <= 5 &&
      alltrue([for t in var.budget.thresholds : t > 0]) &&
    alltrue([for i in range(1, length(var.budget.thresholds)) : var.budget.thresholds[i] > var.budget.thresholds[i - 1]]))
    error_message = "budget.thresholds must be positive fractions of the amount in ascending order, e.g. [0.5, 0.9, 1.0], at most five with forecast_threshold (an Azure budget has at most five notifications)."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.emails) >= 1 &&
    alltrue([for e in var.budget.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))]))
    error_message = "budget.emails must be at least one e-mail address, e.g. [\"it@example.org\"]."
  }
}
