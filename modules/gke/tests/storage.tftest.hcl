# The image repository and its push identity, Filestore home directories with
# backups, and deletion protection of data-bearing resources.

provider "google" {
  project      = "hackweek-hub"
  region       = "us-central1"
  access_token = "fake"
}

variables {
  project_id = "hackweek-hub"
  name       = "hackweek"
  community  = "pangeo-hackweek"
  region     = "us-central1"
  zone       = "us-central1-b"
}

run "registry_and_builder" {
  command = plan

  assert {
    condition = (google_artifact_registry_repository.images[0].repository_id == "user-images" &&
      google_artifact_registry_repository.images[0].format == "DOCKER" &&
    google_artifact_registry_repository.images[0].labels["twoi2chub-community"] == "pangeo-hackweek")
    error_message = "A labelled Docker repository is created by default."
  }
  assert {
    condition     = one(google_artifact_registry_repository.images[0].cleanup_policies).condition[0].older_than == "30d"
    error_message = "Untagged images are cleaned up after 30 days by default."
  }
  assert {
    condition     = google_artifact_registry_repository_iam_member.builder_push[0].role == "roles/artifactregistry.writer"
    error_message = "The builder's service account may push to the repository."
  }
  assert {
    condition     = google_artifact_registry_repository_iam_member.nodes_pull[0].role == "roles/artifactregistry.reader"
    error_message = "Nodes may pull from the repository."
  }
  assert {
    condition     = google_service_account_iam_member.builder_workload_identity[0].member == "serviceAccount:hackweek-hub.svc.id.goog[twoi2chub-builds/image-builder]"
    error_message = "The build Jobs' Kubernetes ServiceAccount is bound to the builder's Google service account."
  }
  assert {
    condition     = google_service_account_iam_member.builder_workload_identity[0].role == "roles/iam.workloadIdentityUser" && google_service_account.builder[0].account_id == "hackweek-builder"
    error_message = "Workload Identity binding on the created builder service account."
  }
  assert {
    condition     = output.image_registry == "us-central1-docker.pkg.dev/hackweek-hub/user-images"
    error_message = "image_registry is the path user images go under."
  }
  assert {
    condition     = output.image_builder.namespace == "twoi2chub-builds" && output.image_builder.service_account == "image-builder" && output.image_builder.registry_host == "us-central1-docker.pkg.dev"
    error_message = "image_builder tells the build Jobs where to run and which registry to log in to."
  }
  assert {
    condition     = output.home_storage == null && length(google_filestore_instance.homes) == 0
    error_message = "No Filestore unless asked."
  }
}

run "existing_builder_service_account" {
  command = plan

  variables {
    image_builder = {
      namespace              = "builds"
      service_account        = "builder"
      google_service_account = "ci-push@shared-ci.iam.gserviceaccount.com"
    }
  }

  assert {
    condition     = length(google_service_account.builder) == 0
    error_message = "A given builder service account is not created."
  }
  assert {
    condition     = google_service_account_iam_member.builder_workload_identity[0].service_account_id == "projects/shared-ci/serviceAccounts/ci-push@shared-ci.iam.gserviceaccount.com"
    error_message = "The Workload Identity binding is made on the given service account, in its own project."
  }
  assert {
    condition     = output.image_builder.annotations == { "iam.gke.io/gcp-service-account" = "ci-push@shared-ci.iam.gserviceaccount.com" }
    error_message = "The build ServiceAccount's annotation names the given service account."
  }
}

run "no_registry" {
  command = plan

  variables {
    artifact_registry = null
  }

  assert {
    condition     = length(google_artifact_registry_repository.images) == 0 && length(google_service_account.builder) == 0
    error_message = "artifact_registry = null creates no repository and no builder identity."
  }
  assert {
    condition     = output.image_registry == null && output.image_builder == null
    error_message = "Without a repository the image outputs are null."
  }
}

run "filestore_with_backups" {
  command = plan

  variables {
    filestore = { tier = "BASIC_SSD", capacity_gb = 2560, backups = { retention_days = 14 } }
  }

  assert {
    condition = (google_filestore_instance.homes[0].tier == "BASIC_SSD" && google_filestore_instance.homes[0].location == "us-central1-b" &&
    google_filestore_instance.homes[0].file_shares[0].capacity_gb == 2560 && google_filestore_instance.homes[0].file_shares[0].name == "homes")
    error_message = "A BASIC Filestore lives in the nodes' zone with the asked capacity."
  }
  assert {
    condition     = google_filestore_instance.homes[0].networks[0].network == "hackweek" && google_filestore_instance.homes[0].networks[0].connect_mode == "DIRECT_PEERING"
    error_message = "The Filestore joins the cluster's VPC."
  }
  assert {
    condition     = google_filestore_instance.homes[0].deletion_policy == "PREVENT" && google_backup_dr_backup_vault.homes[0].deletion_policy == "PREVENT"
    error_message = "deletion_protection (default) protects the home directories and their backups."
  }
  assert {
    condition     = google_filestore_instance.homes[0].labels["twoi2chub-community"] == "pangeo-hackweek"
    error_message = "The Filestore carries the community's labels."
  }
  assert {
    condition = (google_backup_dr_backup_plan.homes[0].resource_type == "file.googleapis.com/Instance" &&
      google_backup_dr_backup_plan.homes[0].backup_rules[0].backup_retention_days == 14 &&
    google_backup_dr_backup_plan.homes[0].backup_rules[0].standard_schedule[0].recurrence_type == "DAILY")
    error_message = "Daily Filestore backups kept retention_days."
  }
  assert {
    condition = (google_backup_dr_backup_plan.homes[0].backup_rules[0].standard_schedule[0].backup_window[0].start_hour_of_day == 2 &&
    google_backup_dr_backup_plan.homes[0].backup_rules[0].standard_schedule[0].backup_window[0].end_hour_of_day == 8)
    error_message = "Backups run in a six-hour window from start_hour_utc."
  }
  assert {
    condition     = google_backup_dr_backup_plan_association.homes[0].resource_type == "file.googleapis.com/Instance" && !google_backup_dr_backup_vault.homes[0].ignore_backup_plan_references
    error_message = "The plan is associated with the Filestore; a protected vault keeps its deletion checks."
  }
  assert {
    condition     = output.home_storage.type == "nfs" && output.home_storage.nfs_path == "/homes"
    error_message = "home_storage has the shape twoi2chub_hub's storage takes."
  }
}

run "filestore_regional_unprotected_no_backups" {
  command = plan

  variables {
    deletion_protection = false
    filestore           = { tier = "REGIONAL", share_name = "home", backups = { enabled = false } }
  }

  assert {
    condition     = google_filestore_instance.homes[0].location == "us-central1" && google_filestore_instance.homes[0].deletion_policy == "DELETE"
    error_message = "A REGIONAL Filestore lives in the region; without deletion_protection it may be deleted."
  }
  assert {
    condition     = length(google_backup_dr_backup_plan.homes) == 0 && output.filestore_backup_plan == null
    error_message = "backups.enabled = false makes no backup plan."
  }
  assert {
    condition     = !google_container_cluster.this.deletion_protection && output.home_storage.nfs_path == "/home"
    error_message = "deletion_protection = false also lets the cluster go; nfs_path follows share_name."
  }
}
