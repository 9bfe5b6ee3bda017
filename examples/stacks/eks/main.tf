# A community's whole JupyterHub on EKS in one configuration: the cluster and
# its cloud resources (modules/eks), the user image, who may log in, and the
# hub. One `apply` creates it all: the twoi2chub provider connects to the
# cluster only when a resource needs it, after the cluster exists.

provider "aws" {
  region = var.region
}

module "eks" {
  # This repository's modules are published by Git source at release tags.
  source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/eks?ref=v0.1.0"

  region               = var.region
  zone                 = var.zone
  name                 = var.name
  community            = var.community
  bucket_name_prefix   = var.bucket_name_prefix
  admin_principal_arns = var.admin_principal_arns
  notebook_nodes       = var.notebook_nodes
  dask_nodes           = var.dask_nodes
  efs                  = var.efs
  budget               = var.budget
  deletion_protection  = var.deletion_protection
  support_namespace    = local.support_namespace

  hubs = {
    (var.hub_namespace) = { namespace = var.hub_namespace }
  }
}

provider "twoi2chub" {
  kubernetes = module.eks.connection
}

locals {
  # Where the cluster-wide services run; the module's IRSA role for the
  # cluster-autoscaler trusts its ServiceAccount there.
  support_namespace = "support"

  hub_cloud = module.eks.hubs[var.hub_namespace]
  pools     = module.eks.node_pools

  # Both shapes carry every attribute, so that either can be chosen.
  per_user_disk = { type = "dynamic", capacity = "10Gi", nfs_server = null, nfs_path = null, sub_path = null }
  storage = module.eks.home_storage == null ? local.per_user_disk : {
    type       = "nfs"
    capacity   = null
    nfs_server = module.eks.home_storage.nfs_server
    nfs_path   = module.eks.home_storage.nfs_path
    sub_path   = "${var.hub_namespace}/{username}"
  }
}

# EKS does not scale node groups itself: the cluster-autoscaler does, with
# the IAM role and group tags the module made. The user and Dask groups start
# at zero nodes and grow when someone starts a server.
resource "twoi2chub_cluster_support" "this" {
  namespace          = local.support_namespace
  cluster_autoscaler = module.eks.cluster_autoscaler
}

resource "twoi2chub_user_image" "environment" {
  count      = var.environment_repository == null ? 0 : 1
  repository = var.environment_repository
  ref        = var.environment_ref
  image      = "${module.eks.image_registry}/environment"

  builder = {
    namespace     = module.eks.image_builder.namespace
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
    # A Network Load Balancer in front of the proxy (the in-tree controller
    # would make a Classic one); its name is what the domain's CNAME points at.
    proxy = { service = { annotations = { "service.beta.kubernetes.io/aws-load-balancer-type" = "nlb" } } }
    singleuser = merge(
      {
        # Users run as the ServiceAccount whose IAM role reaches the buckets,
        # with the buckets' URLs in their environment.
        serviceAccountName = local.hub_cloud.service_account
        extraEnv           = local.hub_cloud.env
      },
      # The chart mounts NFS homes owned by root: hand each one to the user first.
      module.eks.home_storage == null ? {} : {
        initContainers = [{
          name            = "home-ownership"
          image           = "busybox:1.36"
          command         = ["sh", "-c", "chown 1000:100 /home/jovyan"]
          securityContext = { runAsUser = 0 }
          volumeMounts    = [{ name = "home-nfs", mountPath = "/home/jovyan", subPath = "${var.hub_namespace}/{username}" }]
        }]
      },
    )
    # z2jh creates no ServiceAccount for user servers; the continuous image
    # puller's, which runs on the same nodes, is given that name and the IRSA
    # annotation, so the chart creates it.
    prePuller = { continuous = { serviceAccount = {
      create      = true
      name        = local.hub_cloud.service_account
      annotations = local.hub_cloud.service_account_annotations
    } } }
  })

  lifecycle {
    precondition {
      condition     = alltrue([for p in var.profiles : contains(keys(var.notebook_nodes), p.pool)])
      error_message = "profiles: each profile's pool must be a key of notebook_nodes (${join(", ", keys(var.notebook_nodes))}): name one of those, or add the pool."
    }
  }
}

# A Route 53 health check on the hub's health endpoint, which answers 200
# without logging in while the hub runs: checkers in several regions probe it
# every 30 seconds; alert on its CloudWatch metric `HealthCheckStatus`
# (namespace AWS/Route53, in us-east-1) with an aws_cloudwatch_metric_alarm.
locals {
  health = regex("^https://([^/]+)(/.*)$", twoi2chub_hub.this.health_check_url)
}

resource "aws_route53_health_check" "hub" {
  type              = "HTTPS"
  fqdn              = local.health[0]
  port              = 443
  resource_path     = local.health[1]
  request_interval  = 30
  failure_threshold = 3
  tags              = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace, Name = "${var.name}-${var.hub_namespace}-health" }
}
