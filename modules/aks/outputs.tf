# Output names follow modules/gke wherever the concept is the same, so that a
# stack moves between clouds by changing the module.

# ---------------------------------------------------------------- connecting

locals {
  host = "https://${azurerm_kubernetes_cluster.this.fqdn}:443"
  # The CA is no secret, but azurerm marks the whole kube_config sensitive.
  cluster_ca_certificate = nonsensitive(base64decode(azurerm_kubernetes_cluster.this.kube_config[0].cluster_ca_certificate))
  # kubelogin turns the Azure CLI's login into a token for AKS's Entra ID
  # server application (the same ID in every tenant).
  exec = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "kubelogin"
    args        = ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]
  }
}

output "host" {
  description = "URL of the cluster's API server, e.g. `https://hackweek-1a2b3c4d.hcp.westeurope.azmk8s.io:443`."
  value       = local.host
}

output "cluster_ca_certificate" {
  description = "PEM-encoded CA certificate of the API server (already decoded)."
  value       = local.cluster_ca_certificate
}

output "exec" {
  description = "Credential plugin settings for `kubelogin` with the Azure CLI's login (`az login`; install with `az aks install-cli`), in the shape of the `exec` attribute of a provider's `kubernetes` settings."
  value       = local.exec
}

output "connection" {
  description = "`host`, `cluster_ca_certificate` and `exec` together, for `provider \"twoi2chub\" { kubernetes = module.aks.connection }`; with `local_accounts = true`, the cluster's admin `client_certificate` and `client_key` instead of `exec` (sensitive)."
  sensitive   = true
  value = {
    host                   = local.host
    cluster_ca_certificate = local.cluster_ca_certificate
    exec                   = var.local_accounts ? null : local.exec
    client_certificate     = var.local_accounts ? base64decode(azurerm_kubernetes_cluster.this.kube_admin_config[0].client_certificate) : null
    client_key             = var.local_accounts ? base64decode(azurerm_kubernetes_cluster.this.kube_admin_config[0].client_key) : null
  }
}

output "cluster_name" {
  description = "Name of the AKS cluster."
  value       = azurerm_kubernetes_cluster.this.name
}

output "location" {
  description = "Azure region (location) of the cluster."
  value       = azurerm_kubernetes_cluster.this.location
}

output "get_credentials_command" {
  description = "The `az` command that writes a kubeconfig entry for the cluster, for `kubectl` (then `kubelogin convert-kubeconfig -l azurecli`)."
  value       = "az aks get-credentials --resource-group ${local.resource_group_name} --name ${azurerm_kubernetes_cluster.this.name}"
}

output "oidc_issuer_url" {
  description = "The cluster's OIDC issuer, to federate further managed identities with ServiceAccounts."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

# ---------------------------------------------------------------- node pools

output "node_pools" {
  description = "Each node pool by the keys modules/gke uses (`core-pool`, `nb-<name>`, `dask-<name>`): `kind` (core, notebook or dask), `machine_type`, `min` and `max` nodes, `spot`, `gpu` (`{ type, count }` or null), Kubernetes `labels` and `taints`, and `node_selector` (the label AKS puts on the pool's nodes, `kubernetes.azure.com/agentpool = <AKS pool name>`), for hub profiles."
  value = { for name, p in local.pools : name => {
    kind          = p.kind
    machine_type  = p.machine_type
    min           = p.min
    max           = p.max
    spot          = p.spot
    gpu           = p.gpu == null ? null : { type = p.gpu.type, count = p.gpu.count }
    labels        = p.labels
    taints        = p.taints
    node_selector = { "kubernetes.azure.com/agentpool" = p.aks_name }
  } }
  depends_on = [azurerm_kubernetes_cluster_node_pool.pool]
}

output "kubelet_identity" {
  description = "Object ID of the nodes' (kubelet's) managed identity, which may pull from the registry."
  value       = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}

# ---------------------------------------------------------------- images

output "image_registry" {
  description = "Path user images go under, `<registry>.azurecr.io` (use `<image_registry>/<name>` as a `twoi2chub_user_image`'s `image`); null without `image_registry`."
  value       = local.registry_enabled ? azurerm_container_registry.images[0].login_server : null
}

output "image_builder" {
  description = "What user image build Jobs need to push through Workload Identity: the Kubernetes `namespace` and `service_account` to run as, the `annotations` that ServiceAccount must carry (`azure.workload.identity/client-id`) and the `pod_labels` its pods need (`azure.workload.identity/use`), the managed identity's `client_id`, and the `registry_host` to log in to. Null without `image_registry`."
  value = local.registry_enabled ? {
    namespace       = var.image_builder.namespace
    service_account = var.image_builder.service_account
    annotations     = { "azure.workload.identity/client-id" = azurerm_user_assigned_identity.builder[0].client_id }
    pod_labels      = { "azure.workload.identity/use" = "true" }
    client_id       = azurerm_user_assigned_identity.builder[0].client_id
    registry_host   = azurerm_container_registry.images[0].login_server
  } : null
  depends_on = [azurerm_federated_identity_credential.builder, azurerm_role_assignment.builder_push]
}

# ---------------------------------------------------------------- storage

output "home_storage" {
  description = "Home directories on the Azure Files NFS share, in the shape `twoi2chub_hub`'s `storage` takes: `{ type = \"nfs\", nfs_server = \"<account>.file.core.windows.net\", nfs_path = \"/<account>/<share>\" }`; null without `azure_files`. Several hubs on one share need their own `sub_path`, e.g. `\"staging/{username}\"`."
  value = local.files_enabled ? {
    type       = "nfs"
    nfs_server = azurerm_storage_account.homes[0].primary_file_host
    nfs_path   = "/${azurerm_storage_account.homes[0].name}/${azurerm_storage_share.homes[0].name}"
  } : null
}

# ---------------------------------------------------------------- hubs

output "hubs" {
  description = <<-EOT
    Per hub: its `namespace`; the Kubernetes `service_account` its user servers must run as, the
    `service_account_annotations` that ServiceAccount needs and the `pod_labels` user pods need for
    Workload Identity; the managed identity's `client_id` they then act as; `scratch_bucket` and
    `persistent_bucket` as `az://` URLs (null when absent); and `env`, the environment variables
    2i2c's hubs set for users (`SCRATCH_BUCKET`, `PERSISTENT_BUCKET`, with `$(JUPYTERHUB_USER)` per
    user, and `AZURE_STORAGE_ACCOUNT_NAME` for adlfs), ready for `singleuser.extraEnv`.
  EOT
  value = { for k, h in local.hubs : k => {
    namespace                   = h.namespace
    service_account             = h.user_service_account
    service_account_annotations = { "azure.workload.identity/client-id" = azurerm_user_assigned_identity.hub[k].client_id }
    pod_labels                  = { "azure.workload.identity/use" = "true" }
    client_id                   = azurerm_user_assigned_identity.hub[k].client_id
    scratch_bucket              = h.scratch_bucket ? "az://${k}-scratch" : null
    persistent_bucket           = h.persistent_bucket ? "az://${k}-persistent" : null
    env = merge(
      local.data_account_enabled && (h.scratch_bucket || h.persistent_bucket) ? { AZURE_STORAGE_ACCOUNT_NAME = local.data_account_name } : {},
      h.scratch_bucket ? { SCRATCH_BUCKET = "az://${k}-scratch/$(JUPYTERHUB_USER)" } : {},
      h.persistent_bucket ? { PERSISTENT_BUCKET = "az://${k}-persistent/$(JUPYTERHUB_USER)" } : {},
    )
  } }
  depends_on = [azurerm_federated_identity_credential.hub, azurerm_role_assignment.hub_containers]
}

# ---------------------------------------------------------------- budget

output "budget" {
  description = "Resource ID of the consumption budget; null without `budget`."
  value       = var.budget == null ? null : azurerm_consumption_budget_resource_group.this[0].id
}

output "cluster_identity_principal_id" {
  description = "Principal ID of the control plane's system-assigned identity, to let it use network resources outside the node resource group (a reserved address for the hub's proxy); empty with `cluster_identity_id`."
  value       = azurerm_kubernetes_cluster.this.identity[0].principal_id
}
