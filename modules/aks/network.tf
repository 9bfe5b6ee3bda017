# The virtual network: created here, or an existing subnet given by ID.

locals {
  subnet_id = var.network.create ? azurerm_subnet.nodes[0].id : var.network.subnet_id
}

resource "azurerm_virtual_network" "this" {
  count               = var.network.create ? 1 : 0
  name                = var.name
  location            = var.region
  resource_group_name = local.resource_group_name
  address_space       = [var.network.address_space]
  tags                = local.tags
}

resource "azurerm_subnet" "nodes" {
  count                = var.network.create ? 1 : 0
  name                 = "nodes"
  resource_group_name  = local.resource_group_name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [var.network.subnet_cidr]
  # Azure Files NFS shares admit only subnets with this endpoint.
  service_endpoint {
    service = "Microsoft.Storage"
  }
}
