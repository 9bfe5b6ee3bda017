# Conditions below use `x == null ? true : ...` rather than `x == null || ...`:
# Terraform before 1.12 evaluates both sides of `||`, and reading an attribute
# of null is an error. Names follow modules/gke wherever the concept is the same.

# ---------------------------------------------------------------- identity

variable "name" {
  type        = string
  description = "Name of the EKS cluster, and prefix of the names of everything else the module creates (IAM roles `<name>-nodes`, `<name>-<hub>`, ...). Changing it replaces everything."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 32 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen, e.g. \"hackweek\": it prefixes IAM role names, which are at most 64 characters."
  }
}

variable "community" {
  type        = string
  description = "The community this cluster serves, e.g. `\"pangeo-hackweek\"`. Every resource that takes tags gets `twoi2chub-community = <community>` (hub resources also `twoi2chub-hub = <hub>`), so Cost Explorer splits the bill per community and per hub."

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,62}$", var.community))
    error_message = "community must be up to 63 lower-case letters, digits, hyphens or underscores, starting with a letter, e.g. \"pangeo-hackweek\" (the same rule as on GKE and AKS, so a community keeps its name across clouds)."
  }
}

variable "labels" {
  type        = map(string)
  default     = {}
  description = "Further tags on every resource that takes tags (as on GKE, where they are labels), e.g. `{ cost-center = \"geo-42\" }`. The module's own `twoi2chub-*` tags win on a clash."

  validation {
    condition = alltrue([for k, v in var.labels :
    can(regex("^[a-zA-Z0-9 _.:/=+@-]{1,128}$", k)) && !startswith(k, "aws:") && can(regex("^[a-zA-Z0-9 _.:/=+@-]{0,256}$", v))])
    error_message = "labels keys must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with \"aws:\"; values at most 256 of the same (AWS tag rules)."
  }
}

variable "activate_cost_allocation_tags" {
  type        = bool
  default     = false
  description = "Whether to activate `twoi2chub-community`, `twoi2chub-cluster` and `twoi2chub-hub` as cost allocation tags, so Cost Explorer and budgets can filter on them. Only an organization's management account (or a standalone account) may do this: leave it false in a member account and ask whoever runs the organization's billing."
}

# ---------------------------------------------------------------- location

variable "region" {
  type        = string
  description = "AWS region of the cluster, registry, buckets, file system and backups, e.g. `\"us-west-2\"`. Pick the one closest to the community's data."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as \"us-west-2\" or \"eu-central-1\" (not an availability zone like \"us-west-2a\")."
  }
}

variable "zone" {
  type        = string
  description = "Availability zone the nodes run in, inside `region`, e.g. `\"us-west-2a\"`: one zone, so that EBS volumes (each hub's database) can always be attached again. The cluster's control plane still spans two zones (`network.zones`)."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", var.zone))
    error_message = "zone must be an AWS availability zone such as \"us-west-2a\"."
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
  description = "Kubernetes versions (as on GKE and 2i2c's `k8s_versions`): `min_master_version` is the control plane's version, e.g. `\"1.33\"` (unset: EKS's default, upgraded only when you set it), and each kind of node group may be pinned to a version no newer, e.g. `\"1.32\"` (unset: the control plane's). `aws eks describe-cluster-versions` lists them."

  validation {
    condition = alltrue([for v in values(var.k8s_versions) :
    v == null ? true : can(regex("^1\\.[0-9]+$", v))])
    error_message = "k8s_versions entries must be EKS versions such as \"1.33\" (major.minor: EKS picks the patch), or left unset."
  }
}

# ---------------------------------------------------------------- network

variable "network" {
  type = object({
    create          = optional(bool, true)
    cidr            = optional(string, "10.0.0.0/16")
    zones           = optional(list(string))
    vpc_id          = optional(string)
    subnet_ids      = optional(list(string), [])
    node_subnet_ids = optional(list(string), [])
  })
  default     = {}
  description = <<-EOT
    The VPC. By default (`create = true`) the module creates a VPC of `cidr` with a public subnet in
    each of `zones` (default `zone` and a second zone of the region, as EKS needs two) and, with
    `private_nodes`, a private subnet in each behind a NAT gateway. Where the community may not create
    networks, set `create = false` and give the existing `vpc_id`, the `subnet_ids` (in at least two
    zones) the cluster's control plane attaches to, and `node_subnet_ids` (in `zone`; default
    `subnet_ids`) the nodes and the file system use.
  EOT

  validation {
    condition     = var.network.create ? true : (var.network.vpc_id != null && length(var.network.subnet_ids) >= 2)
    error_message = "network: with create = false, give the existing vpc_id and at least two subnet_ids in different zones, e.g. { create = false, vpc_id = \"vpc-0abc\", subnet_ids = [\"subnet-0a\", \"subnet-0b\"] }."
  }

  validation {
    condition     = can(cidrhost(var.network.cidr, 0)) && tonumber(split("/", var.network.cidr)[1]) <= 20
    error_message = "network.cidr must be an IPv4 range of /20 or larger, such as \"10.0.0.0/16\": each pod takes an address of the VPC."
  }

  validation {
    condition     = var.network.zones == null ? true : length(var.network.zones) >= 2 && alltrue([for z in var.network.zones : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", z))])
    error_message = "network.zones must list at least two availability zones of the region, e.g. [\"us-west-2a\", \"us-west-2b\"]: EKS needs subnets in two zones."
  }

  validation {
    condition     = alltrue([for s in concat(var.network.subnet_ids, var.network.node_subnet_ids) : can(regex("^subnet-[0-9a-f]+$", s))]) && (var.network.vpc_id == null ? true : can(regex("^vpc-[0-9a-f]+$", var.network.vpc_id)))
    error_message = "network: vpc_id is a VPC ID such as \"vpc-0abc123\" and subnet_ids, node_subnet_ids subnet IDs such as \"subnet-0abc123\"."
  }
}

variable "private_nodes" {
  type        = bool
  default     = false
  description = "Whether nodes get private addresses only (often an institution's rule). The cluster's API endpoint stays public. With a created network the module adds private subnets and a NAT gateway (about 35 USD a month) so nodes can still pull images; with an existing network, give private `node_subnet_ids`."
}

variable "api_allowed_cidrs" {
  type        = list(string)
  default     = ["0.0.0.0/0"]
  description = "IPv4 ranges that may reach the cluster's public API endpoint, e.g. `[\"203.0.113.0/24\"]` for a campus network. Authentication is still required from everywhere."

  validation {
    condition     = length(var.api_allowed_cidrs) > 0 && alltrue([for c in var.api_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "api_allowed_cidrs must list IPv4 ranges such as \"203.0.113.0/24\" (\"0.0.0.0/0\" for anywhere)."
  }
}

# ---------------------------------------------------------------- identities

variable "cluster_role_arn" {
  type        = string
  default     = null
  description = "ARN of an existing IAM role for the EKS control plane (with `AmazonEKSClusterPolicy`). Unset: the module creates `<name>-cluster`. Give one when you may not create IAM roles."

  validation {
    condition     = var.cluster_role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.cluster_role_arn))
    error_message = "cluster_role_arn must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/eks-cluster\", or unset to let the module create one."
  }
}

variable "node_role_arn" {
  type        = string
  default     = null
  description = "ARN of an existing IAM role for the nodes (as GKE's `node_service_account`), with `AmazonEKSWorkerNodePolicy`, `AmazonEKS_CNI_Policy` and `AmazonEC2ContainerRegistryReadOnly`. Unset: the module creates `<name>-nodes` with those policies."

  validation {
    condition     = var.node_role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.node_role_arn))
    error_message = "node_role_arn must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/eks-nodes\", or unset to let the module create one."
  }
}

variable "admin_principal_arns" {
  type        = list(string)
  default     = []
  description = "IAM users or roles given cluster-admin on the cluster through EKS access entries, e.g. `[\"arn:aws:iam::123456789012:role/hub-engineers\"]`. Whoever creates the cluster is an admin too."

  validation {
    condition     = alltrue([for a in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:(role|user|assumed-role)/.+$", a))])
    error_message = "admin_principal_arns must be IAM role or user ARNs such as \"arn:aws:iam::123456789012:role/hub-engineers\"."
  }
}

# ---------------------------------------------------------------- node pools

variable "core_node_machine_type" {
  type        = string
  default     = "r5.large"
  description = "Instance type of the always-on core node group (hub, proxy, scheduler, cluster-autoscaler), e.g. `\"r5.large\"`. These nodes are the base cost of the cluster: keep them few and small."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.core_node_machine_type))
    error_message = "core_node_machine_type must be an EC2 instance type such as \"r5.large\" or \"m6i.xlarge\"."
  }
}

variable "core_node_max_count" {
  type        = number
  default     = 5
  description = "Most core nodes the autoscaler may add; the group never goes below one node."

  validation {
    condition     = var.core_node_max_count >= 1 && floor(var.core_node_max_count) == var.core_node_max_count
    error_message = "core_node_max_count must be a whole number of at least 1."
  }
}

variable "core_node_disk_size_gb" {
  type        = number
  default     = 50
  description = "Root volume of each core node, in GB."

  validation {
    condition     = var.core_node_disk_size_gb >= 20
    error_message = "core_node_disk_size_gb must be at least 20 (GB), what EKS's node images need."
  }
}

variable "notebook_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, false)
    disk_size_gb = optional(number, 100)
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
    Node groups for users' servers, by name (the group is `nb-<name>`), in the shape of modules/gke's
    `notebook_nodes` (fields another cloud does not have are ignored): `machine_type` (an EC2
    instance type), autoscaling bounds `min` (default 0: no node, no cost while nobody works) and
    `max`, `spot` capacity, `gpu = { type, count }` (the instance type's GPUs: the group then runs
    EKS's NVIDIA image and tells the autoscaler about `count` GPUs per node), `disk_size_gb`,
    Kubernetes `labels` and `taints` added to the module's own (`hub.jupyter.org/node-purpose = user`,
    taint `hub.jupyter.org_dedicated=user:NoSchedule`, and `nvidia.com/gpu=present:NoSchedule` on GPU
    groups), and `resource_labels`, further tags. Example:
    `{ small = { machine_type = "r5.xlarge", max = 20 }, gpu = { machine_type = "g4dn.xlarge", gpu = { count = 1 } } }`.
  EOT

  validation {
    condition     = alltrue([for k, p in var.notebook_nodes : can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", k))])
    error_message = "notebook_nodes keys must be 1 to 30 lower-case letters, digits or hyphens starting with a letter, e.g. \"small\" or \"gpu-t4\" (the group is named nb-<key>)."
  }

  validation {
    condition = alltrue([for p in var.notebook_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "notebook_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 10."
  }

  validation {
    condition     = alltrue(flatten([for p in var.notebook_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "notebook_nodes: taint effects are written as on GKE and in the EKS API: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\" (not NoSchedule)."
  }

  validation {
    condition     = alltrue([for p in var.notebook_nodes : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", p.machine_type)) && p.disk_size_gb >= 20])
    error_message = "notebook_nodes: machine_type must be an EC2 instance type such as \"r5.xlarge\" or \"g4dn.xlarge\", and disk_size_gb at least 20."
  }

  validation {
    condition     = alltrue([for p in var.notebook_nodes : p.gpu == null ? true : p.gpu.count >= 1])
    error_message = "notebook_nodes: gpu.count is the instance type's number of GPUs, at least 1, e.g. gpu = { count = 1 } for g4dn.xlarge."
  }
}

variable "dask_nodes" {
  type = map(object({
    machine_type = string
    min          = optional(number, 0)
    max          = optional(number, 10)
    spot         = optional(bool, true)
    disk_size_gb = optional(number, 100)
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
  description = "Node groups for Dask workers, by name (the group is `dask-<name>`), with the fields of `notebook_nodes`; `spot` defaults to true, and the module's own label and taint are `k8s.dask.org/node-purpose = worker` and `k8s.dask.org_dedicated=worker:NoSchedule`."

  validation {
    condition     = alltrue([for k, p in var.dask_nodes : can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", k))])
    error_message = "dask_nodes keys must be 1 to 30 lower-case letters, digits or hyphens starting with a letter, e.g. \"workers\" (the group is named dask-<key>)."
  }

  validation {
    condition = alltrue([for p in var.dask_nodes :
    p.min >= 0 && p.max >= 1 && p.min <= p.max && floor(p.min) == p.min && floor(p.max) == p.max])
    error_message = "dask_nodes: min and max are whole numbers with 0 <= min <= max and max >= 1, e.g. min = 0, max = 50."
  }

  validation {
    condition     = alltrue(flatten([for p in var.dask_nodes : [for t in p.taints : contains(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"], t.effect)]]))
    error_message = "dask_nodes: taint effects are written as on GKE and in the EKS API: \"NO_SCHEDULE\", \"PREFER_NO_SCHEDULE\" or \"NO_EXECUTE\" (not NoSchedule)."
  }

  validation {
    condition     = alltrue([for p in var.dask_nodes : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", p.machine_type)) && p.disk_size_gb >= 20])
    error_message = "dask_nodes: machine_type must be an EC2 instance type such as \"r5.4xlarge\", and disk_size_gb at least 20."
  }

  validation {
    condition     = alltrue([for p in var.dask_nodes : p.gpu == null ? true : p.gpu.count >= 1])
    error_message = "dask_nodes: gpu.count is the instance type's number of GPUs, at least 1."
  }
}

# ---------------------------------------------------------------- images

variable "image_registry" {
  type = object({
    prefix                     = optional(string, "user-images")
    images                     = optional(list(string), ["environment"])
    delete_untagged_after_days = optional(number, 30)
  })
  default     = {}
  description = "ECR repositories user images are pushed to and nodes pull from (GKE's `artifact_registry`): one repository `<prefix>/<image>` per name in `images`, since ECR keeps one image per repository. `delete_untagged_after_days` expires untagged images (0: keep everything). Set to `null` to create none."

  validation {
    condition     = var.image_registry == null ? true : can(regex("^[a-z0-9][a-z0-9._-]{0,62}$", var.image_registry.prefix)) && alltrue([for i in var.image_registry.images : can(regex("^[a-z0-9][a-z0-9._-]{0,62}$", i))])
    error_message = "image_registry: prefix and images must be lower-case letters, digits, dots, hyphens or underscores starting with a letter or digit, e.g. { prefix = \"user-images\", images = [\"environment\"] }."
  }

  validation {
    condition     = var.image_registry == null ? true : var.image_registry.delete_untagged_after_days >= 0
    error_message = "image_registry.delete_untagged_after_days must be 0 (keep everything) or a number of days."
  }
}

variable "image_builder" {
  type = object({
    namespace       = optional(string, "twoi2chub-builds")
    service_account = optional(string, "image-builder")
  })
  default     = {}
  description = "Who pushes user images: the Kubernetes ServiceAccount `service_account` in `namespace` (where `twoi2chub_user_image` runs its build Jobs) may assume, through IRSA, the role `<name>-builder`, which may push to the repositories. No access key is ever made."

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.image_builder.namespace)) && can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.image_builder.service_account))
    error_message = "image_builder: namespace must be a Kubernetes namespace name (lower-case letters, digits, hyphens, at most 63) and service_account a ServiceAccount name, e.g. { namespace = \"twoi2chub-builds\", service_account = \"image-builder\" }."
  }
}

# ---------------------------------------------------------------- storage

variable "efs" {
  type = object({
    performance_mode = optional(string, "generalPurpose")
    throughput_mode  = optional(string, "elastic")
    backups = optional(object({
      enabled        = optional(bool, true)
      retention_days = optional(number, 30)
      start_hour_utc = optional(number, 2)
    }), {})
  })
  default     = null
  description = <<-EOT
    Home directories on an encrypted EFS file system reachable from the nodes (GKE's `filestore`, 2i2c's
    `filestores`); unset for none (the hub then uses per-user EBS volumes). Output `home_storage` plugs
    into `twoi2chub_hub`'s `storage`. Daily backups through AWS Backup are on by default (2i2c's
    `enable_efs_backup`), kept `retention_days`, started at `start_hour_utc`.
  EOT

  validation {
    condition     = var.efs == null ? true : contains(["generalPurpose", "maxIO"], var.efs.performance_mode) && contains(["elastic", "bursting"], var.efs.throughput_mode)
    error_message = "efs: performance_mode must be \"generalPurpose\" or \"maxIO\", and throughput_mode \"elastic\" or \"bursting\"."
  }

  validation {
    condition = var.efs == null ? true : (var.efs.backups.retention_days >= 1 &&
    var.efs.backups.start_hour_utc >= 0 && var.efs.backups.start_hour_utc <= 23 && floor(var.efs.backups.start_hour_utc) == var.efs.backups.start_hour_utc)
    error_message = "efs.backups: retention_days must be at least 1 and start_hour_utc a whole hour from 0 to 23."
  }
}

variable "hubs" {
  type = map(object({
    namespace                 = optional(string)
    user_service_account      = optional(string, "user-sa")
    iam_role_arn              = optional(string)
    scratch_bucket            = optional(bool, true)
    scratch_delete_after_days = optional(number, 7)
    persistent_bucket         = optional(bool, false)
    bucket_access             = optional(map(string), {})
  }))
  default     = {}
  description = <<-EOT
    Cloud resources per hub, by a short hub name, as 2i2c's `hub_cloud_permissions` and
    `user_buckets` (and modules/gke's `hubs`). Each hub gets an IAM role (`<name>-<hub>`, or the
    existing `iam_role_arn`, whose trust policy you then keep) that the Kubernetes ServiceAccount
    `user_service_account` in `namespace` (default the hub name) assumes through IRSA; a scratch
    bucket whose objects expire after `scratch_delete_after_days` (`scratch_bucket = false` for none)
    and optionally a `persistent_bucket`, both read-write for its users; and `bucket_access` to
    further buckets by name, `"read"` or `"read-write"`.
    Example: `{ staging = {}, prod = { persistent_bucket = true, bucket_access = { "shared-era5" = "read" } } }`.
  EOT

  validation {
    condition     = alltrue([for k, h in var.hubs : can(regex("^[a-z][a-z0-9-]{0,11}[a-z0-9]$", k)) && !contains(["nodes", "builder", "cluster"], k)])
    error_message = "hubs keys must be 2 to 13 lower-case letters, digits or hyphens, starting with a letter, e.g. \"staging\" (as on GKE), and \"nodes\", \"builder\" and \"cluster\" are the module's own."
  }

  validation {
    condition = alltrue([for h in var.hubs :
    h.namespace == null ? true : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", h.namespace))])
    error_message = "hubs: namespace must be a Kubernetes namespace name: at most 63 lower-case letters, digits or hyphens, e.g. \"staging\"."
  }

  validation {
    condition     = alltrue(flatten([for h in var.hubs : [for b, a in h.bucket_access : contains(["read", "read-write"], a) && can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))]]))
    error_message = "hubs: bucket_access maps S3 bucket names to \"read\" or \"read-write\", e.g. bucket_access = { \"shared-era5\" = \"read\" }."
  }

  validation {
    condition     = alltrue([for h in var.hubs : h.scratch_delete_after_days >= 1])
    error_message = "hubs: scratch_delete_after_days must be at least 1; use scratch_bucket = false for no scratch bucket."
  }

  validation {
    condition = alltrue([for h in var.hubs :
    h.iam_role_arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", h.iam_role_arn))])
    error_message = "hubs: iam_role_arn must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/staging-users\", or unset to let the module create one."
  }
}

variable "bucket_name_prefix" {
  type        = string
  description = "Prefix of bucket names (`<prefix>-<hub>-scratch`, `<prefix>-<hub>-persistent`). S3 bucket names are global across all AWS accounts, so pick something of the community's own, e.g. `\"pangeo-hackweek-2026\"`."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,38}$", var.bucket_name_prefix))
    error_message = "bucket_name_prefix must be 2 to 39 lower-case letters, digits or hyphens, starting with a letter or digit, so that <prefix>-<hub>-persistent stays within S3's 63 characters."
  }
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Whether what holds data refuses deletion: the cluster (EKS deletion protection: hub databases live on its volumes), the EFS file system's backups (the vault keeps them) and persistent buckets (never emptied by Terraform). Set to false and apply before `terraform destroy`. Scratch buckets and the registry are not protected."
}

# ---------------------------------------------------------------- budget

variable "budget" {
  type = object({
    amount               = number
    currency_code        = optional(string, "USD")
    thresholds           = optional(list(number), [0.5, 0.9, 1.0])
    forecast_threshold   = optional(number, 1.0)
    emails               = optional(list(string), [])
    only_community_costs = optional(bool, false)
  })
  default     = null
  description = <<-EOT
    A monthly AWS Budgets cost budget with e-mail alerts (2i2c's `budget-alerts`); unset for none.
    `amount` in whole units of `currency_code` (AWS budgets are in USD), alerts when actual spend
    passes each of `thresholds` (fractions of the amount, ascending) and when forecast spend passes
    `forecast_threshold` (null for none), sent to up to ten `emails`. `only_community_costs` counts
    only resources tagged `twoi2chub-community = <community>` (needs the tag activated, see
    `activate_cost_allocation_tags`); otherwise the whole account's costs.
  EOT

  validation {
    condition     = var.budget == null ? true : (var.budget.amount > 0 && floor(var.budget.amount) == var.budget.amount && can(regex("^[A-Z]{3}$", var.budget.currency_code)))
    error_message = "budget.amount must be a whole, positive amount of currency_code (a three-letter code such as \"USD\")."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.thresholds) > 0 &&
      alltrue([for t in var.budget.thresholds : t > 0]) &&
    alltrue([for i in range(1, length(var.budget.thresholds)) : var.budget.thresholds[i] > var.budget.thresholds[i - 1]]))
    error_message = "budget.thresholds must be positive fractions of the amount in ascending order, e.g. [0.5, 0.9, 1.0]."
  }

  validation {
    condition = var.budget == null ? true : (length(var.budget.emails) >= 1 && length(var.budget.emails) <= 10 &&
    alltrue([for e in var.budget.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))]))
    error_message = "budget.emails must be one to ten e-mail addresses (an AWS budget notification has at most ten e-mail subscribers), e.g. [\"it@example.org\"]."
  }
}
