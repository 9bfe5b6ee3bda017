# The community's Azure Container Registry: the kubelet identity pulls
# (AcrPull), and twoi2chub_user_image build Jobs push as a managed identity
# federated with their ServiceAccount through Workload Identity (AcrPush).

locals {
  registry_enabled = var.image_registry != null
}

resource "azurerm_container_registry" "images" {
  count               = local.registry_enabled ? 1 : 0
  name                = var.image_registry.name
  location            = var.region
  resource_group_name = local.resource_group_name
  sku                 = var.image_registry.sku
  # Pushes and pulls use Entra ID identities, never the shared admin password.
  admin_enabled = false
  tags          = local.tags
}

resource "azurerm_role_assignment" "kubelet_pull" {
  count                = local.registry_enabled ? 1 : 0
  scope                = azurerm_container_registry.images[0].id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
  # A new identity takes a while to be seen by Azure RBAC.
  skip_service_principal_aad_check = true
}

resource "azurerm_user_assigned_identity" "builder" {
  count               = local.registry_enabled ? 1 : 0
  name                = "${var.name}-builder"
  location            = var.region
  resource_group_name = local.resource_group_name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "builder" {
  count                     = local.registry_enabled ? 1 : 0
  name                      = "${var.name}-builder"
  user_assigned_identity_id = azurerm_user_assigned_identity.builder[0].id
  issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject                   = "system:serviceaccount:${var.image_builder.namespace}:${var.image_builder.service_account}"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "azurerm_role_assignment" "builder_push" {
  count                            = local.registry_enabled ? 1 : 0
  scope                            = azurerm_container_registry.images[0].id
  role_definition_name             = "AcrPush"
  principal_id                     = azurerm_user_assigned_identity.builder[0].principal_id
  skip_service_principal_aad_check = true
}
