# A community's whole JupyterHub on AKS in one configuration: the cluster and
# its cloud resources (modules/aks), the hub's address and DNS record, the user
# image, who may log in, and the hub. One `apply` creates it all: the twoi2chub provider connects to the
# cluster only when a resource needs it, after the cluster exists.

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
  # The storage accounts allow no shared keys: their data plane is reached with Entra ID.
  storage_use_azuread = true
}

module "aks" {
  # This repository's modules are published by Git source at release tags.
  source = "git::https://github.com/2i2c-org/terraform-provider-twoi2chub.git//modules/aks?ref=v0.1.0"

  resource_group_name    = var.resource_group_name
  create_resource_group  = var.create_resource_group
  region                 = var.region
  zone                   = var.zone
  name                   = var.name
  community              = var.community
  admin_object_ids       = var.admin_object_ids
  notebook_nodes         = var.notebook_nodes
  dask_nodes             = var.dask_nodes
  image_registry         = var.image_registry_name == null ? null : { name = var.image_registry_name }
  storage_account_prefix = var.storage_account_prefix
  azure_files            = var.azure_files
  budget                 = var.budget
  deletion_protection    = var.deletion_protection

  hubs = {
    (var.hub_namespace) = { namespace = var.hub_namespace }
  }
}

# A fixed address for the hub's proxy, so the DNS record never has to change.
resource "azurerm_public_ip" "hub" {
  name                = "${var.name}-${var.hub_namespace}"
  location            = var.region
  resource_group_name = var.resource_group_name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.zone == null ? null : [var.zone]
  tags                = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }

  depends_on = [module.aks]
}

# AKS's cloud provider reads and attaches addresses of the group named in the
# proxy service's annotation.
resource "azurerm_role_assignment" "cluster_uses_hub_ip" {
  scope                = "/subscriptions/${var.subscription_id}/resourceGroups/${var.resource_group_name}"
  role_definition_name = "Network Contributor"
  principal_id         = module.aks.cluster_identity_principal_id
}

resource "azurerm_dns_a_record" "hub" {
  count               = var.dns_zone_name == null ? 0 : 1
  name                = trimsuffix(var.domain, ".${var.dns_zone_name}")
  zone_name           = var.dns_zone_name
  resource_group_name = var.resource_group_name
  ttl                 = 300
  target_resource_id  = azurerm_public_ip.hub.id
  tags                = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }
}

provider "twoi2chub" {
  kubernetes = module.aks.connection
}

locals {
  hub_cloud = module.aks.hubs[var.hub_namespace]
  pools     = module.aks.node_pools

  # Both shapes carry every attribute, so that either can be chosen.
  per_user_disk = { type = "dynamic", capacity = "10Gi", nfs_server = null, nfs_path = null, sub_path = null }
  storage = module.aks.home_storage == null ? local.per_user_disk : {
    type       = "nfs"
    capacity   = null
    nfs_server = module.aks.home_storage.nfs_server
    nfs_path   = module.aks.home_storage.nfs_path
    sub_path   = "${var.hub_namespace}/{username}"
  }
}

resource "twoi2chub_user_image" "environment" {
  count      = var.environment_repository == null ? 0 : 1
  repository = var.environment_repository
  ref        = var.environment_ref
  image      = "${module.aks.image_registry}/environment"

  builder = {
    namespace     = module.aks.image_builder.namespace
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
    # The reserved address the DNS record points at.
    proxy = { service = { annotations = {
      "service.beta.kubernetes.io/azure-load-balancer-resource-group" = var.resource_group_name
      "service.beta.kubernetes.io/azure-pip-name"                     = azurerm_public_ip.hub.name
    } } }
    singleuser = merge(
      {
        # Users run as the ServiceAccount federated with the hub's managed
        # identity (containers), with the containers' URLs in their environment;
        # the label has Workload Identity's webhook give them its token.
        serviceAccountName = local.hub_cloud.service_account
        extraEnv           = local.hub_cloud.env
        extraLabels        = local.hub_cloud.pod_labels
      },
      # The chart mounts NFS homes owned by root: hand each one to the user first.
      module.aks.home_storage == null ? {} : {
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
    # puller's, which runs on the same nodes, is given that name and the
    # Workload Identity annotation, so the chart creates it.
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

# An availability test on the hub's health endpoint, which answers 200 without
# logging in while the hub runs: Application Insights probes it from three
# regions every five minutes; alert on its availability metric with an
# azurerm_monitor_metric_alert.
resource "azurerm_log_analytics_workspace" "monitoring" {
  name                = "${var.name}-monitoring"
  location            = var.region
  resource_group_name = var.resource_group_name
  retention_in_days   = 30
  tags                = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name }

  depends_on = [module.aks]
}

resource "azurerm_application_insights" "hub" {
  name                = "${var.name}-${var.hub_namespace}"
  location            = var.region
  resource_group_name = var.resource_group_name
  workspace_id        = azurerm_log_analytics_workspace.monitoring.id
  application_type    = "other"
  tags                = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }
}

resource "azurerm_application_insights_standard_web_test" "hub" {
  name                    = "${var.name}-${var.hub_namespace}-health"
  location                = var.region
  resource_group_name     = var.resource_group_name
  application_insights_id = azurerm_application_insights.hub.id
  frequency               = 300
  timeout                 = 30
  enabled                 = true
  geo_locations           = ["us-va-ash-azr", "emea-nl-ams-azr", "apac-sg-sin-azr"]
  tags                    = { "twoi2chub-community" = var.community, "twoi2chub-cluster" = var.name, "twoi2chub-hub" = var.hub_namespace }

  request {
    url = twoi2chub_hub.this.health_check_url
  }
  validation_rules {
    expected_status_code = 200
  }
}
