# The community's image repository: nodes pull from it, and twoi2chub_user_image
# build Jobs push to it as a Google service account they reach through Workload
# Identity (no key exists to leak or rotate).

locals {
  registry_enabled = var.artifact_registry != null
  registry_host    = "${var.region}-docker.pkg.dev"
  registry_url     = local.registry_enabled ? "${local.registry_host}/${var.project_id}/${var.artifact_registry.repository_id}" : null

  builder_gsa = !local.registry_enabled ? null : coalesce(
    var.image_builder.google_service_account, try(google_service_account.builder[0].email, null)
  )
  # Resource name of a service account from its e-mail, whose domain names its project.
  builder_gsa_name = !local.registry_enabled ? null : (var.image_builder.google_service_account == null ?
    google_service_account.builder[0].name :
    "projects/${regex("@([a-z0-9-]+)\\.iam", var.image_builder.google_service_account)[0]}/serviceAccounts/${var.image_builder.google_service_account}"
  )
}

resource "google_artifact_registry_repository" "images" {
  count         = local.registry_enabled ? 1 : 0
  project       = var.project_id
  location      = var.region
  repository_id = var.artifact_registry.repository_id
  format        = "DOCKER"
  description   = "User images of ${var.community}'s hubs on ${var.name}"
  labels        = local.labels

  dynamic "cleanup_policies" {
    for_each = var.artifact_registry.delete_untagged_after_days > 0 ? [1] : []
    content {
      id     = "delete-untagged"
      action = "DELETE"
      condition {
        tag_state  = "UNTAGGED"
        older_than = "${var.artifact_registry.delete_untagged_after_days}d"
      }
    }
  }
}

resource "google_artifact_registry_repository_iam_member" "nodes_pull" {
  count      = local.registry_enabled ? 1 : 0
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.images[0].name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${local.node_service_account}"
}

resource "google_service_account" "builder" {
  count        = local.registry_enabled && var.image_builder.google_service_account == null ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name}-builder"
  display_name = "User image builds on GKE cluster ${var.name}"
}

resource "google_artifact_registry_repository_iam_member" "builder_push" {
  count      = local.registry_enabled ? 1 : 0
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.images[0].name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${local.builder_gsa}"
}

resource "google_service_account_iam_member" "builder_workload_identity" {
  count              = local.registry_enabled ? 1 : 0
  service_account_id = local.builder_gsa_name
  role               = "roles/iam.workloadIdentityUser"
  # The pool exists once the cluster does; naming it through the cluster orders the two.
  member = "serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${var.image_builder.namespace}/${var.image_builder.service_account}]"
}
