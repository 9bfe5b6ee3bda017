# ---------------------------------------------------------------- where

variable "subscription_id" {
  type        = string
  description = "ID of the Azure subscription, e.g. `\"00000000-0000-0000-0000-000000000000\"` (`az account show --query id`)."
}

variable "resource_group_name" {
  type        = string
  description = "Resource group everything goes in, e.g. `\"hackweek-hub\"`."
}

variable "create_resource_group" {
  type        = bool
  default     = true
  description = "Whether to create `resource_group_name`; false when a subscription's owner gave the community an existing one."
}

variable "region" {
  type        = string
  default     = "westeurope"
  description = "Azure region (location) of the cluster and everything else."
}

variable "zone" {
  type        = string
  default     = null
  description = "Availability zone of the nodes and the hub's address, `\"1\"` to `\"3\"`; unset in regions without zones."
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

variable "admin_object_ids" {
  type        = list(string)
  default     = []
  description = "Entra ID object IDs of the people or groups administering the cluster, whoever applies included (`az ad signed-in-user show --query id`)."
}

variable "storage_account_prefix" {
  type        = string
  description = "Prefix of the storage accounts (`<prefix>homes`, `<prefix>data`), global across Azure, 3 to 19 lower-case letters and digits, e.g. `\"hackweekhub\"`."
}

variable "image_registry_name" {
  type        = string
  default     = null
  description = "Name of the Azure Container Registry for the community's image, global across Azure, e.g. `\"hackweekimages\"`; needed with `environment_repository`."
}

variable "dns_zone_name" {
  type        = string
  default     = null
  description = "An Azure DNS zone in `resource_group_name` that holds `domain`, e.g. `\"hackweek.example.org\"`: the stack then creates the A record. Unset: create it at your DNS provider."
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
  description = "DNS name people reach the hub at, e.g. `\"hub.hackweek.example.org\"`. It must point at the output `hub_ip` (the stack does it when `dns_zone_name` is set)."
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
  default     = "acr-push"
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
  default     = { small = { machine_type = "Standard_E4s_v5", max = 10 } }
  description = "User node pools, as the module's `notebook_nodes` (the module checks them)."
}

variable "dask_nodes" {
  type        = any
  default     = {}
  description = "Dask worker pools, as the module's `dask_nodes`."
}

variable "azure_files" {
  type        = any
  default     = null
  description = "Home directories on Azure Files, as the module's `azure_files`, e.g. `{ capacity_gb = 100 }`; unset for a 10 GiB disk per user."
}

variable "budget" {
  type        = any
  default     = null
  description = "A monthly budget with e-mail alerts, as the module's `budget`."
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Whether home directories and persistent containers refuse deletion; set to false and apply before `destroy`."
}
