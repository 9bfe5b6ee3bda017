# A community's whole JupyterHub on GKE in one configuration: the cluster and
# its cloud resources (modules/gke), the hub's address and DNS record, the user
# image, who may log in, and the hub. One `apply` creates it all: the twoi2chub
# provider connects to the cluster only when a resource needs it, after the
# cluster exists.

provider "google" {
  project = var.project_id
  region  = var.region
}

module "gke" {
  # This repository's modules are published by Git source at release tags.
  source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/gke?ref=v0.1.0"

  project_id          = var.project_id
  region              = var.region
  zone                = var.zone
  name                = var.name
  community           = var.community
  notebook_nodes      = var.notebook_nodes
  dask_nodes          = var.dask_nodes
  filestore           = var.filestore
  budget              = var.budget
  deletion_protection = var.deletion_protection

  hubs = {
    (var.hub_namespace) = { namespace = var.hub_namespace }
  }
}

# A fixed address for the hub's proxy, so the DNS record never has to change.
resource "google_compute_address" "hub" {
  project = var.project_id
  region  = var.region
  name    = "${var.name}-${var.hub_namespace}"
  labels  = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }
}

resource "google_dns_record_set" "hub" {
  count        = var.dns_managed_zone == null ? 0 : 1
  project      = var.project_id
  managed_zone = var.dns_managed_zone
  name         = "${var.domain}."
  type         = "A"
  ttl          = 300
  rrdatas      = [google_compute_address.hub.address]
}

provider "twoi2chub" {
  kubernetes = module.gke.connection
  # Profiles are checked against the node pools (machine sizes, labels,
  # taints, GPUs) at each plan that changes the hub.
  gke = module.gke.gke_cluster
}

locals {
  hub_cloud = module.gke.hubs[var.hub_namespace]
  pools     = module.gke.node_pools

  # Both shapes carry every attribute, so that either can be chosen.
  per_user_disk = { type = "dynamic", capacity = "10Gi", nfs_server = null, nfs_path = null, sub_path = null }
  storage = module.gke.home_storage == null ? local.per_user_disk : {
    type       = "nfs"
    capacity   = null
    nfs_server = module.gke.home_storage.nfs_server
    nfs_path   = module.gke.home_storage.nfs_path
    sub_path   = "${var.hub_namespace}/{username}"
  }
}

resource "twoi2chub_user_image" "environment" {
  count      = var.environment_repository == null ? 0 : 1
  repository = var.environment_repository
  ref        = var.environment_ref
  image      = "${module.gke.image_registry}/environment"

  builder = {
    namespace     = module.gke.image_builder.namespace
    push_secret   = var.image_push_secret
    node_selector = { "hub.jupyter.org/node-purpose" = "user" }
    tolerations   = [{ key = "hub.jupyter.org_dedicated", operator = "Equal", value = "user", effect = "NoSchedule" }]
  }
}

resource "twoi2chub_auth" "github" {
  name      = "github"
  namespace = var.hub_namespace
  domain    = var.domain
  github = {
    client_id             = var.github_client_id
    allowed_organizations = length(var.github_allowed_organizations) == 0 ? null : var.github_allowed_organizations
  }
  client_secret_wo = var.github_client_secret
  admin_users      = var.admin_users
  allowed_users    = length(var.allowed_users) == 0 ? null : var.allowed_users
}

resource "twoi2chub_hub" "this" {
  # The release is named as its namespace, as 2i2c names each hub, so the
  # twoi2chub-hub label on its pods and the twoi2chub-hub tag on the cloud
  # resources above carry the same value in the bill; community labels them too.
  name      = var.hub_namespace
  namespace = var.hub_namespace
  community = var.community
  domain    = var.domain
  https     = { mode = "letsencrypt", contact_email = var.contact_email }
  auth      = twoi2chub_auth.github.hub_config

  image   = var.environment_repository == null ? var.default_image : twoi2chub_user_image.environment[0].image_digest_ref
  storage = local.storage

  node_purpose = { core = "require", user = "require" }
  # Users act as the hub's Google service account (its buckets) through
  # Workload Identity: the hub creates the annotated ServiceAccount, and the
  # metadata server, where GKE serves its tokens, stays open to them.
  user_service_account = local.hub_cloud.user_service_account
  block_cloud_metadata = local.hub_cloud.block_cloud_metadata
  profiles = [for p in var.profiles : {
    display_name  = p.display_name
    description   = p.description
    default       = p.default
    cpu_limit     = p.cpu_limit
    memory_limit  = p.memory_limit
    node_selector = local.pools["nb-${p.pool}"].node_selector
    gpu = p.gpus == null ? null : {
      count       = p.gpus
      tolerations = [{ key = "nvidia.com/gpu", value = "present", effect = "NoSchedule" }]
    }
  }]

  # What the hub has no typed attribute for yet (see the README, "What the
  # provider does not do yet"):
  extra_values = yamlencode({
    # The reserved address the DNS record points at.
    proxy = { service = { loadBalancerIP = google_compute_address.hub.address } }
    singleuser = merge(
      # The buckets' URLs in users' environment.
      { extraEnv = local.hub_cloud.env },
      # The chart mounts NFS homes owned by root: hand each one to the user first.
      module.gke.home_storage == null ? {} : {
        initContainers = [{
          name            = "home-ownership"
          image           = "busybox:1.36"
          command         = ["sh", "-c", "chown 1000:100 /home/jovyan"]
          securityContext = { runAsUser = 0 }
          volumeMounts    = [{ name = "home-nfs", mountPath = "/home/jovyan", subPath = "${var.hub_namespace}/{username}" }]
        }]
      },
    )
  })

  lifecycle {
    precondition {
      condition     = alltrue([for p in var.profiles : contains(keys(var.notebook_nodes), p.pool)])
      error_message = "profiles: each profile's pool must be a key of notebook_nodes (${join(", ", keys(var.notebook_nodes))}): name one of those, or add the pool."
    }
  }
}

# An uptime check on the hub's health endpoint, which answers 200 without
# logging in while the hub runs. Cloud Monitoring probes it from several
# regions every five minutes; alert on it in an alerting policy
# (condition `monitoring.googleapis.com/uptime_check/check_passed`).
locals {
  health = regex("^https://([^/]+)(/.*)$", twoi2chub_hub.this.health_check_url)
}

resource "google_monitoring_uptime_check_config" "hub" {
  project      = var.project_id
  display_name = "${var.community} hub ${var.hub_namespace}"
  timeout      = "10s"
  period       = "300s"
  user_labels  = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }

  http_check {
    path         = local.health[1]
    port         = 443
    use_ssl      = true
    validate_ssl = true
  }

  monitored_resource {
    type   = "uptime_url"
    labels = { project_id = var.project_id, host = local.health[0] }
  }
}
