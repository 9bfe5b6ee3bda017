# The cluster (Entra ID, Azure RBAC, Workload Identity, Cilium), its network
# (created or existing), identities, the registry, and the outputs the
# provider connects with.

# Offline: a managed identity token from the loopback endpoint make test-modules
# starts (internal/cmd/msiendpoint, at ARM_MSI_ENDPOINT), all-zero IDs.
provider "azurerm" {
  features {}
  use_msi                         = true
  use_cli                         = false
  subscription_id                 = "00000000-0000-0000-0000-000000000000"
  tenant_id                       = "00000000-0000-0000-0000-000000000000"
  resource_provider_registrations = "none"
}

variables {
  resource_group_name = "hackweek-hub"
  name                = "hackweek"
  community           = "pangeo-hackweek"
  region              = "westeurope"
}

run "defaults" {
  command = plan

  assert {
    condition     = azurerm_resource_group.this[0].name == "hackweek-hub" && azurerm_kubernetes_cluster.this.resource_group_name == "hackweek-hub"
    error_message = "The resource group is created and holds the cluster."
  }
  assert {
    condition = (azurerm_kubernetes_cluster.this.local_account_disabled &&
      azurerm_kubernetes_cluster.this.azure_active_directory_role_based_access_control[0].azure_rbac_enabled &&
    azurerm_kubernetes_cluster.this.azure_active_directory_role_based_access_control[0].tenant_id == "00000000-0000-0000-0000-000000000000")
    error_message = "Entra ID authentication and Azure RBAC, no local accounts, in Terraform's tenant."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.oidc_issuer_enabled && azurerm_kubernetes_cluster.this.workload_identity_enabled
    error_message = "Workload Identity is on: pods get tokens for their ServiceAccount."
  }
  assert {
    condition = (azurerm_kubernetes_cluster.this.network_profile[0].network_policy == "cilium" &&
      azurerm_kubernetes_cluster.this.network_profile[0].network_plugin_mode == "overlay" &&
    azurerm_kubernetes_cluster.this.network_profile[0].dns_service_ip == "10.245.0.10")
    error_message = "Cilium enforces network policy on an overlay; DNS inside services_cidr."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.node_provisioning_profile[0].mode == "Manual"
    error_message = "Node pools are the module's (azurerm 5.x requires node_provisioning_profile)."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.cost_analysis_enabled && azurerm_kubernetes_cluster.this.sku_tier == "Standard"
    error_message = "Per-namespace cost analysis, which needs the Standard tier."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.maintenance_window_auto_upgrade[0].start_time == "03:00" && azurerm_kubernetes_cluster.this.automatic_upgrade_channel == "patch"
    error_message = "AKS applies patches itself in the daily maintenance window."
  }
  assert {
    condition     = contains(azurerm_virtual_network.this[0].address_space, "10.0.0.0/16") && [for e in azurerm_subnet.nodes[0].service_endpoint : e.service] == ["Microsoft.Storage"]
    error_message = "A VNet, and a node subnet that Azure Files admits."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.identity[0].type == "SystemAssigned"
    error_message = "Without cluster_identity_id the control plane has a system-assigned identity."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.tags["twoi2chub-community"] == "pangeo-hackweek" && azurerm_kubernetes_cluster.this.default_node_pool[0].tags["twoi2chub-community"] == "pangeo-hackweek"
    error_message = "The cluster and its core pool's VMs carry the community's tag."
  }
  assert {
    condition = output.exec == {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "kubelogin"
      args        = ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]
    }
    error_message = "exec runs kubelogin with the Azure CLI's login, for AKS's Entra ID server application."
  }
  assert {
    condition     = output.get_credentials_command == "az aks get-credentials --resource-group hackweek-hub --name hackweek"
    error_message = "kubectl access is one command away."
  }
  assert {
    condition     = output.image_registry == null && output.home_storage == null && output.budget == null && length(output.hubs) == 0
    error_message = "No registry, home storage, budget or hubs unless asked."
  }
}

run "existing_group_network_identity" {
  command = plan
  variables {
    create_resource_group = false
    network               = { create = false, subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/campus-net/providers/Microsoft.Network/virtualNetworks/campus/subnets/jupyter" }
    cluster_identity_id   = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/hackweek-hub/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks"
    admin_object_ids      = ["11111111-2222-3333-4444-555555555555"]
    local_accounts        = true
    k8s_versions          = { min_master_version = "1.33", notebook_nodes_version = "1.32" }
    notebook_nodes        = { small = { machine_type = "Standard_E4s_v5" } }
  }

  assert {
    condition     = length(azurerm_resource_group.this) == 0 && length(azurerm_virtual_network.this) == 0
    error_message = "An existing group and subnet: nothing of the kind is created."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.default_node_pool[0].vnet_subnet_id == "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/campus-net/providers/Microsoft.Network/virtualNetworks/campus/subnets/jupyter"
    error_message = "Nodes join the given subnet."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.identity[0].type == "UserAssigned" && !azurerm_kubernetes_cluster.this.local_account_disabled
    error_message = "A given identity runs the control plane; local_accounts keeps the admin account."
  }
  assert {
    condition     = azurerm_role_assignment.admin["11111111-2222-3333-4444-555555555555"].role_definition_name == "Azure Kubernetes Service RBAC Cluster Admin"
    error_message = "admin_object_ids become cluster admins through Azure RBAC."
  }
  assert {
    condition     = azurerm_kubernetes_cluster.this.kubernetes_version == "1.33" && azurerm_kubernetes_cluster_node_pool.pool["nb-small"].orchestrator_version == "1.32"
    error_message = "k8s_versions pins the control plane and each kind of pool."
  }
}

run "registry" {
  command = plan
  variables {
    image_registry = { name = "hackweekimages" }
  }

  assert {
    condition     = azurerm_container_registry.images[0].name == "hackweekimages" && !azurerm_container_registry.images[0].admin_enabled
    error_message = "A registry without the shared admin password."
  }
  assert {
    condition     = azurerm_role_assignment.kubelet_pull[0].role_definition_name == "AcrPull" && azurerm_role_assignment.builder_push[0].role_definition_name == "AcrPush"
    error_message = "Nodes pull, builds push."
  }
  assert {
    condition     = azurerm_federated_identity_credential.builder[0].subject == "system:serviceaccount:twoi2chub-builds:image-builder" && azurerm_federated_identity_credential.builder[0].audience == tolist(["api://AzureADTokenExchange"])
    error_message = "The builder identity is federated with the build Jobs' ServiceAccount."
  }
  assert {
    condition     = output.image_builder.namespace == "twoi2chub-builds" && output.image_builder.pod_labels == { "azure.workload.identity/use" = "true" }
    error_message = "image_builder says where builds run and what their pods need."
  }
}
