# Per-hub cloud access (buckets, Workload Identity) and the billing budget.

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

  hubs = {
    staging = {}
    prod = {
      namespace            = "hackweek-prod"
      user_service_account = "jovyan"
      persistent_bucket    = true
      bucket_access        = { "shared-era5" = "read", "partner-uploads" = "read-write" }
      requester_pays       = true
    }
    shared = {
      scratch_bucket         = false
      google_service_account = "datasets@partner-project.iam.gserviceaccount.com"
    }
  }

  budget = {
    billing_account = "012345-6789AB-CDEF01"
    project_number  = "123456789012"
    amount          = 500
    currency_code   = "EUR"
    emails          = ["it@example.org", "pi@example.org"]
  }
}

run "hubs" {
  command = plan

  assert {
    condition     = google_service_account_iam_member.hub_workload_identity["staging"].member == "serviceAccount:hackweek-hub.svc.id.goog[staging/user-sa]"
    error_message = "By default a hub's users run as user-sa in the namespace named like the hub."
  }
  assert {
    condition     = google_service_account_iam_member.hub_workload_identity["prod"].member == "serviceAccount:hackweek-hub.svc.id.goog[hackweek-prod/jovyan]"
    error_message = "namespace and user_service_account name the bound Kubernetes ServiceAccount."
  }
  assert {
    condition     = alltrue([for b in google_service_account_iam_member.hub_workload_identity : b.role == "roles/iam.workloadIdentityUser"])
    error_message = "Hubs are bound with roles/iam.workloadIdentityUser."
  }
  assert {
    condition     = google_service_account.hub["prod"].account_id == "hackweek-prod" && !contains(keys(google_service_account.hub), "shared")
    error_message = "A service account <name>-<hub> is created unless the hub gives one."
  }
  assert {
    condition     = google_service_account_iam_member.hub_workload_identity["shared"].service_account_id == "projects/partner-project/serviceAccounts/datasets@partner-project.iam.gserviceaccount.com"
    error_message = "A given service account is bound in its own project."
  }
  assert {
    condition     = toset(keys(google_storage_bucket.hub)) == toset(["staging-scratch", "prod-scratch", "prod-persistent"])
    error_message = "Scratch buckets by default, persistent ones when asked, none when scratch_bucket = false."
  }
  assert {
    condition = (google_storage_bucket.hub["prod-scratch"].name == "hackweek-hub-prod-scratch" &&
      one(one(google_storage_bucket.hub["prod-scratch"].lifecycle_rule).condition).age == 7 &&
    one(one(google_storage_bucket.hub["prod-scratch"].lifecycle_rule).action).type == "Delete")
    error_message = "Scratch buckets delete objects after scratch_delete_after_days (7)."
  }
  assert {
    condition     = length(google_storage_bucket.hub["prod-persistent"].lifecycle_rule) == 0 && google_storage_bucket.hub["prod-persistent"].deletion_policy == "PREVENT"
    error_message = "Persistent buckets keep their objects and are protected."
  }
  assert {
    condition     = google_storage_bucket.hub["prod-scratch"].force_destroy && google_storage_bucket.hub["prod-scratch"].deletion_policy == "DELETE"
    error_message = "Scratch buckets are disposable."
  }
  assert {
    condition = alltrue([for b in google_storage_bucket.hub :
    b.uniform_bucket_level_access && b.public_access_prevention == "enforced" && b.labels["twoi2chub-community"] == "pangeo-hackweek"])
    error_message = "Buckets are private, uniformly controlled, and labelled with the community."
  }
  assert {
    condition     = google_storage_bucket.hub["prod-persistent"].labels["twoi2chub-hub"] == "prod"
    error_message = "A hub's buckets carry its name, so the bill splits per hub."
  }
  assert {
    condition = (google_storage_bucket_iam_member.hub["prod/hackweek-hub-prod-persistent"].role == "roles/storage.objectUser" &&
      google_storage_bucket_iam_member.hub["prod/shared-era5"].role == "roles/storage.objectViewer" &&
    google_storage_bucket_iam_member.hub["prod/partner-uploads"].role == "roles/storage.objectUser")
    error_message = "Own buckets and read-write grants are objectUser; read grants objectViewer."
  }
  assert {
    condition     = length([for k in keys(google_storage_bucket_iam_member.hub) : k if startswith(k, "shared/")]) == 0
    error_message = "A hub without buckets or bucket_access gets no bucket grants."
  }
  assert {
    condition     = toset(keys(google_project_iam_member.hub_requester_pays)) == toset(["prod"])
    error_message = "Only hubs with requester_pays may bill the project for requester-pays buckets."
  }
  assert {
    condition     = output.hubs["prod"].service_account == "jovyan" && output.hubs["prod"].namespace == "hackweek-prod"
    error_message = "hubs tells the hub which ServiceAccount to run users as."
  }
  assert {
    condition     = output.hubs["prod"].user_service_account.name == "jovyan" && !output.hubs["prod"].block_cloud_metadata
    error_message = "hubs gives twoi2chub_hub's user_service_account: the ServiceAccount, with the metadata server open for Workload Identity."
  }
  assert {
    condition = (output.hubs["prod"].scratch_bucket == "gs://hackweek-hub-prod-scratch" &&
    output.hubs["prod"].env == tomap({ SCRATCH_BUCKET = "gs://hackweek-hub-prod-scratch/$(JUPYTERHUB_USER)", PERSISTENT_BUCKET = "gs://hackweek-hub-prod-persistent/$(JUPYTERHUB_USER)" }))
    error_message = "hubs gives bucket URLs and the users' environment variables."
  }
  assert {
    condition     = output.hubs["shared"].scratch_bucket == null && length(output.hubs["shared"].env) == 0
    error_message = "A hub without buckets gets null URLs and no environment."
  }
}

run "budget" {
  command = plan

  assert {
    condition = (google_billing_budget.this[0].amount[0].specified_amount[0].units == "500" &&
    google_billing_budget.this[0].amount[0].specified_amount[0].currency_code == "EUR")
    error_message = "The budget amount is 500 EUR."
  }
  assert {
    condition     = google_billing_budget.this[0].budget_filter[0].projects == toset(["projects/123456789012"])
    error_message = "The budget covers the project, by number."
  }
  assert {
    condition = [for r in google_billing_budget.this[0].threshold_rules : "${r.spend_basis}@${r.threshold_percent}"] == [
      "CURRENT_SPEND@0.5", "CURRENT_SPEND@0.9", "CURRENT_SPEND@1", "FORECASTED_SPEND@1",
    ]
    error_message = "Alerts at 50, 90 and 100 % of actual spend, and at 100 % of forecast spend."
  }
  assert {
    condition     = toset(keys(google_monitoring_notification_channel.budget)) == toset(["it@example.org", "pi@example.org"])
    error_message = "One e-mail channel per recipient."
  }
  assert {
    condition     = google_monitoring_notification_channel.budget["it@example.org"].labels == tomap({ email_address = "it@example.org" }) && google_monitoring_notification_channel.budget["it@example.org"].type == "email"
    error_message = "Channels send e-mail to their address."
  }
  assert {
    condition     = !google_billing_budget.this[0].all_updates_rule[0].disable_default_iam_recipients
    error_message = "Billing administrators are notified too by default."
  }
}
