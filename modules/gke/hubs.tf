# Per hub: a Google service account that the hub's user servers act as through
# Workload Identity, its buckets, and its access to other buckets (2i2c's
# hub_cloud_permissions and user_buckets).

locals {
  bucket_prefix = coalesce(var.bucket_name_prefix, var.project_id)

  hubs = { for k, h in var.hubs : k => merge(h, {
    namespace = coalesce(h.namespace, k)
    labels    = merge(local.labels, { "twoi2chub-hub" = k })
  }) }

  buckets = merge(
    { for k, h in local.hubs : "${k}-scratch" => {
      hub               = k
      name              = "${local.bucket_prefix}-${k}-scratch"
      delete_after_days = h.scratch_delete_after_days
      protected         = false
    } if h.scratch_bucket },
    { for k, h in local.hubs : "${k}-persistent" => {
      hub               = k
      name              = "${local.bucket_prefix}-${k}-persistent"
      delete_after_days = null
      protected         = true
    } if h.persistent_bucket },
  )

  hub_gsa = { for k, h in local.hubs : k => coalesce(h.google_service_account, try(google_service_account.hub[k].email, null)) }
  hub_gsa_name = { for k, h in local.hubs : k => h.google_service_account == null ? google_service_account.hub[k].name : (
    "projects/${regex("@([a-z0-9-]+)\\.iam", h.google_service_account)[0]}/serviceAccounts/${h.google_service_account}"
  ) }

  # Who may do what on which bucket: the hub's own buckets read-write, then bucket_access.
  bucket_roles = { read = "roles/storage.objectViewer", read-write = "roles/storage.objectUser" }
  bucket_grants = merge(
    { for b, v in local.buckets : "${v.hub}/${v.name}" => { hub = v.hub, bucket = google_storage_bucket.hub[b].name, access = "read-write" } },
    merge([for k, h in local.hubs : {
      for bucket, access in h.bucket_access : "${k}/${bucket}" => { hub = k, bucket = bucket, access = access }
    }]...),
  )
}

resource "google_service_account" "hub" {
  for_each     = { for k, h in local.hubs : k => h if h.google_service_account == null }
  project      = var.project_id
  account_id   = "${var.name}-${each.key}"
  display_name = "Users of hub ${each.key} on ${var.name}"
}

resource "google_service_account_iam_member" "hub_workload_identity" {
  for_each           = local.hubs
  service_account_id = local.hub_gsa_name[each.key]
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${google_container_cluster.this.workload_identity_config[0].workload_pool}[${each.value.namespace}/${each.value.user_service_account}]"
}

resource "google_storage_bucket" "hub" {
  for_each                    = local.buckets
  project                     = var.project_id
  name                        = each.value.name
  location                    = upper(var.region)
  labels                      = local.hubs[each.value.hub].labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  deletion_policy             = each.value.protected ? local.data_deletion : "DELETE"
  # Scratch is disposable by definition; persistent data needs emptying by hand.
  force_destroy = !each.value.protected

  dynamic "lifecycle_rule" {
    for_each = each.value.delete_after_days == null ? [] : [each.value.delete_after_days]
    content {
      condition {
        age = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }
}

resource "google_storage_bucket_iam_member" "hub" {
  for_each = local.bucket_grants
  bucket   = each.value.bucket
  role     = local.bucket_roles[each.value.access]
  member   = "serviceAccount:${local.hub_gsa[each.value.hub]}"
}

# Requester-pays buckets bill the caller's project, which needs this permission.
resource "google_project_iam_member" "hub_requester_pays" {
  for_each = { for k, h in local.hubs : k => h if h.requester_pays }
  project  = var.project_id
  role     = "roles/serviceusage.serviceUsageConsumer"
  member   = "serviceAccount:${local.hub_gsa[each.key]}"
}
