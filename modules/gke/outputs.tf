# ---------------------------------------------------------------- connecting

output "host" {
  description = "URL of the cluster's API server, e.g. `https://34.1.2.3`."
  value       = "https://${google_container_cluster.this.endpoint}"
}

output "cluster_ca_certificate" {
  description = "PEM-encoded CA certificate of the API server (already decoded)."
  value       = base64decode(google_container_cluster.this.master_auth[0].cluster_ca_certificate)
}

output "exec" {
  description = "Credential plugin settings for `gke-gcloud-auth-plugin` (install it with `gcloud components install gke-gcloud-auth-plugin`), in the shape of the `exec` attribute of a provider's `kubernetes` settings."
  value = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "gke-gcloud-auth-plugin"
    args        = []
  }
}

output "connection" {
  description = "`host`, `cluster_ca_certificate` and `exec` together, for `provider \"twoi2chub\" { kubernetes = module.gke.connection }`."
  value = {
    host                   = "https://${google_container_cluster.this.endpoint}"
    cluster_ca_certificate = base64decode(google_container_cluster.this.master_auth[0].cluster_ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
      args        = []
    }
  }
}

output "gke_cluster" {
  description = "The cluster's `project`, `location` and name (`cluster`), for `provider \"twoi2chub\" { gke = module.gke.gke_cluster }`: the provider then checks hubs' profiles against the node pools at plan."
  value = {
    project  = var.project_id
    location = local.location
    cluster  = google_container_cluster.this.name
  }
}

output "cluster_name" {
  description = "Name of the GKE cluster."
  value       = google_container_cluster.this.name
}

output "location" {
  description = "Region (regional cluster) or zone (zonal cluster) of the cluster."
  value       = google_container_cluster.this.location
}

output "get_credentials_command" {
  description = "The `gcloud` command that writes a kubeconfig entry for the cluster, for `kubectl`."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.this.name} --location ${google_container_cluster.this.location} --project ${var.project_id}"
}

output "workload_identity_pool" {
  description = "Workload Identity pool of the cluster, `<project>.svc.id.goog`."
  value       = google_container_cluster.this.workload_identity_config[0].workload_pool
}

# ---------------------------------------------------------------- node pools

output "node_pools" {
  description = "Each node pool by name (`core-pool`, `nb-<name>`, `dask-<name>`): `kind` (core, notebook or dask), `machine_type`, `min` and `max` nodes, `spot`, `gpu` (`{ type, count }` or null), Kubernetes `labels` and `taints`, and `node_selector` (the label GKE puts on the pool's nodes), for hub profiles."
  value = { for name, p in local.pools : name => {
    kind          = p.kind
    machine_type  = p.machine_type
    min           = p.min
    max           = p.max
    spot          = p.spot
    gpu           = p.gpu == null ? null : { type = p.gpu.type, count = p.gpu.count }
    labels        = p.labels
    taints        = p.taints
    node_selector = { "cloud.google.com/gke-nodepool" = name }
  } }
  depends_on = [google_container_node_pool.pool]
}

output "node_service_account" {
  description = "E-mail of the nodes' Google service account (created or given)."
  value       = local.node_service_account
}

# ---------------------------------------------------------------- images

output "image_registry" {
  description = "Repository path user images go under, e.g. `us-central1-docker.pkg.dev/my-project/user-images` (use `<image_registry>/<name>` as a `twoi2chub_user_image`'s `image`); null without `artifact_registry`."
  value       = local.registry_enabled ? "${local.registry_host}/${var.project_id}/${google_artifact_registry_repository.images[0].repository_id}" : null
}

output "image_builder" {
  description = "What user image build Jobs need to push through Workload Identity: the Kubernetes `namespace` and `service_account` to run as, the `annotations` that ServiceAccount must carry (`iam.gke.io/gcp-service-account`), the `google_service_account` it acts as, and the `registry_host` to log in to with a token from the GKE metadata server (user `oauth2accesstoken`). Null without `artifact_registry`."
  value = local.registry_enabled ? {
    namespace              = var.image_builder.namespace
    service_account        = var.image_builder.service_account
    annotations            = { "iam.gke.io/gcp-service-account" = local.builder_gsa }
    google_service_account = local.builder_gsa
    registry_host          = local.registry_host
  } : null
  depends_on = [google_service_account_iam_member.builder_workload_identity, google_artifact_registry_repository_iam_member.builder_push]
}

# ---------------------------------------------------------------- storage

output "home_storage" {
  description = "Home directories on the Filestore share, in the shape `twoi2chub_hub`'s `storage` takes: `{ type = \"nfs\", nfs_server = <IP>, nfs_path = \"/<share>\" }`; null without `filestore`. Several hubs on one share need their own `sub_path`, e.g. `\"staging/{username}\"`."
  value = local.filestore_enabled ? {
    type       = "nfs"
    nfs_server = google_filestore_instance.homes[0].networks[0].ip_addresses[0]
    nfs_path   = "/${var.filestore.share_name}"
  } : null
}

output "filestore_backup_plan" {
  description = "Resource name of the Backup and DR plan that backs up the home directories daily; null without backups."
  value       = local.backups_enabled ? google_backup_dr_backup_plan.homes[0].name : null
}

# ---------------------------------------------------------------- hubs

output "hubs" {
  description = <<-EOT
    Per hub: its `namespace`; the Kubernetes `service_account` its user servers must run as and the
    `service_account_annotations` that ServiceAccount needs for Workload Identity, and both as
    `user_service_account`, in the shape `twoi2chub_hub`'s `user_service_account` takes;
    `block_cloud_metadata` (`false`) for the hub's attribute of that name, since GKE serves Workload
    Identity tokens from the metadata server, which z2jh otherwise blocks for user servers; the
    `google_service_account` they then act as; `scratch_bucket` and `persistent_bucket` as `gs://` URLs
    (null when absent); and `env`, the environment variables 2i2c's hubs set for users
    (`SCRATCH_BUCKET`, `PERSISTENT_BUCKET`, with `$(JUPYTERHUB_USER)` per user), ready for
    `singleuser.extraEnv`.
  EOT
  value = { for k, h in local.hubs : k => {
    namespace                   = h.namespace
    service_account             = h.user_service_account
    service_account_annotations = { "iam.gke.io/gcp-service-account" = local.hub_gsa[k] }
    user_service_account = {
      name        = h.user_service_account
      annotations = { "iam.gke.io/gcp-service-account" = local.hub_gsa[k] }
    }
    block_cloud_metadata   = false
    google_service_account = local.hub_gsa[k]
    scratch_bucket         = h.scratch_bucket ? "gs://${google_storage_bucket.hub["${k}-scratch"].name}" : null
    persistent_bucket      = h.persistent_bucket ? "gs://${google_storage_bucket.hub["${k}-persistent"].name}" : null
    env = merge(
      h.scratch_bucket ? { SCRATCH_BUCKET = "gs://${google_storage_bucket.hub["${k}-scratch"].name}/$(JUPYTERHUB_USER)" } : {},
      h.persistent_bucket ? { PERSISTENT_BUCKET = "gs://${google_storage_bucket.hub["${k}-persistent"].name}/$(JUPYTERHUB_USER)" } : {},
    )
  } }
  depends_on = [google_service_account_iam_member.hub_workload_identity, google_storage_bucket_iam_member.hub]
}

# ---------------------------------------------------------------- budget

output "budget" {
  description = "Resource name of the billing budget; null without `budget`."
  value       = var.budget == null ? null : google_billing_budget.this[0].name
}
