# Home directories on Filestore, backed up daily through Backup and DR.

locals {
  filestore_enabled = var.filestore != null
  backups_enabled   = local.filestore_enabled ? var.filestore.backups.enabled : false
  # BASIC and ZONAL instances live in a zone, REGIONAL ones in the region.
  filestore_location = local.filestore_enabled ? (var.filestore.tier == "REGIONAL" ? var.region : var.zone) : null
  data_deletion      = var.deletion_protection ? "PREVENT" : "DELETE"
}

resource "google_filestore_instance" "homes" {
  count           = local.filestore_enabled ? 1 : 0
  project         = var.project_id
  name            = "${var.name}-homes"
  location        = local.filestore_location
  tier            = var.filestore.tier
  labels          = local.labels
  deletion_policy = local.data_deletion

  file_shares {
    name        = var.filestore.share_name
    capacity_gb = var.filestore.capacity_gb
  }

  networks {
    # A network in another (host) project is named by its full path.
    network      = local.network_project == var.project_id ? local.network_name : local.network_self_link
    modes        = ["MODE_IPV4"]
    connect_mode = local.network_project == var.project_id ? "DIRECT_PEERING" : "PRIVATE_SERVICE_ACCESS"
  }

  depends_on = [google_compute_subnetwork.this]
}

resource "google_backup_dr_backup_vault" "homes" {
  count           = local.backups_enabled ? 1 : 0
  project         = var.project_id
  location        = var.region
  backup_vault_id = "${var.name}-homes"
  description     = "Backups of ${var.community}'s home directories on ${var.name}"
  labels          = local.labels
  deletion_policy = local.data_deletion
  # Backups cannot be deleted by anyone before a day has passed.
  backup_minimum_enforced_retention_duration = "86400s"
  # Once deletion_protection is false, `terraform destroy` may remove the vault
  # with the plan still referring to it; backups themselves must expire first.
  ignore_inactive_datasources   = !var.deletion_protection
  ignore_backup_plan_references = !var.deletion_protection
}

resource "google_backup_dr_backup_plan" "homes" {
  count          = local.backups_enabled ? 1 : 0
  project        = var.project_id
  location       = var.region
  backup_plan_id = "${var.name}-homes"
  resource_type  = "file.googleapis.com/Instance"
  backup_vault   = google_backup_dr_backup_vault.homes[0].id

  backup_rules {
    rule_id               = "daily"
    backup_retention_days = var.filestore.backups.retention_days
    standard_schedule {
      recurrence_type = "DAILY"
      time_zone       = "UTC"
      backup_window {
        start_hour_of_day = var.filestore.backups.start_hour_utc
        end_hour_of_day   = min(var.filestore.backups.start_hour_utc + 6, 24)
      }
    }
  }
}

resource "google_backup_dr_backup_plan_association" "homes" {
  count                      = local.backups_enabled ? 1 : 0
  project                    = var.project_id
  location                   = var.region
  backup_plan_association_id = "${var.name}-homes"
  resource_type              = "file.googleapis.com/Instance"
  resource                   = google_filestore_instance.homes[0].id
  backup_plan                = google_backup_dr_backup_plan.homes[0].name
}
