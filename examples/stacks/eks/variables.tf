# ---------------------------------------------------------------- where

variable "region" {
  type        = string
  default     = "us-west-2"
  description = "AWS region of the cluster and everything else."
}

variable "zone" {
  type        = string
  default     = "us-west-2a"
  description = "Availability zone of the nodes, in `region`."
}

variable "name" {
  type        = string
  default     = "hub"
  description = "Name of the cluster and prefix of the cloud resources, 3 to 32 lower-case letters, digits or hyphens."
}

variable "community" {
  type        = string
  description = "The community, as a tag value on every resource (the bill splits by it), e.g. `\"pangeo-hackweek\"`."
}

variable "bucket_name_prefix" {
  type        = string
  description = "Prefix of the hub's S3 bucket names, which are global across AWS, e.g. `\"pangeo-hackweek-2026\"`."
}

variable "admin_principal_arns" {
  type        = list(string)
  default     = []
  description = "IAM roles or users given cluster-admin besides whoever applies, e.g. `[\"arn:aws:iam::123456789012:role/hub-engineers\"]`."
}

# ---------------------------------------------------------------- the hub

variable "hub_namespace" {
  type        = string
  default     = "hub"
  description = "Kubernetes namespace of the hub, and its name in the module's `hubs` (buckets, service accounts)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}[a-z0-9]$", var.hub_namespace))
    error_message = "hub_namespace must be 2 to 13 lower-case letters, digits or hyphens, starting with a letter, e.g. \"hub\" or \"hackweek\"."
  }
}

variable "domain" {
  type        = string
  description = "DNS name people reach the hub at, e.g. `\"hub.hackweek.example.org\"`. It must be a CNAME of the proxy's load balancer (the README says how)."
}

variable "contact_email" {
  type        = string
  description = "E-mail address Let's Encrypt sends certificate expiry notices to, e.g. `\"it@example.org\"`."
}

variable "github_client_id" {
  type        = string
  description = "Client ID of the GitHub OAuth app people log in with (callback `https://<domain>/hub/oauth_callback`)."
}

variable "github_client_secret" {
  type        = string
  sensitive   = true
  ephemeral   = true
  description = "Client secret of that GitHub OAuth app. Give it as `TF_VAR_github_client_secret`: it is passed write-only to the provider and stored nowhere, in plan or state."
}

variable "github_allowed_organizations" {
  type        = list(string)
  default     = []
  description = "GitHub organizations whose members may log in, e.g. `[\"pangeo-data\"]`. This or `allowed_users` must let someone in."
}

variable "allowed_users" {
  type        = list(string)
  default     = []
  description = "GitHub user names allowed to log in besides the organizations' members."
}

variable "admin_users" {
  type        = list(string)
  default     = []
  description = "GitHub user names with admin rights on the hub."
}

variable "default_image" {
  type        = string
  default     = "quay.io/jupyter/scipy-notebook:2025-01-06"
  description = "User image when `environment_repository` is unset."
}

variable "environment_repository" {
  type        = string
  default     = null
  description = "Git URL of a Binder-style repository (environment.yml, requirements.txt...) to build the community's image from; unset to run `default_image`. Building needs the push Secret described in the README."
}

variable "environment_ref" {
  type        = string
  default     = "HEAD"
  description = "Branch, tag or commit of `environment_repository` to build."
}

variable "image_push_secret" {
  type        = string
  default     = "ecr-push"
  description = "Name of the `kubernetes.io/dockerconfigjson` Secret, in the builds namespace, that user image builds push with (see the README)."
}

variable "profiles" {
  type = list(object({
    display_name = string
    description  = optional(string)
    default      = optional(bool, false)
    pool         = string
    cpu_limit    = optional(number)
    memory_limit = optional(string)
    gpus         = optional(number)
  }))
  default = [
    { display_name = "Small: up to 4 GB", default = true, pool = "small", memory_limit = "4G" },
    { display_name = "Large: up to 16 GB", pool = "small", memory_limit = "16G" },
  ]
  description = "Server options people choose from, each on a pool of `notebook_nodes` (by its key), with limits; `gpus` asks that many GPUs of a GPU pool."
}

# ---------------------------------------------------------------- the cluster

variable "notebook_nodes" {
  type        = any
  default     = { small = { machine_type = "r5.xlarge", max = 10 } }
  description = "User node pools, as the module's `notebook_nodes` (the module checks them)."
}

variable "dask_nodes" {
  type        = any
  default     = {}
  description = "Dask worker pools, as the module's `dask_nodes`."
}

variable "efs" {
  type        = any
  default     = null
  description = "Home directories on EFS, as the module's `efs`, e.g. `{}`; unset for a 10 GiB EBS volume per user."
}

variable "budget" {
  type        = any
  default     = null
  description = "A monthly budget with e-mail alerts, as the module's `budget`."
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Whether the cluster, the EFS backups and persistent buckets refuse deletion; set to false and apply before `destroy`."
}
