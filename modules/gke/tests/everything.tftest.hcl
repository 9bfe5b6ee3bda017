# Every optional part on at once: the plan make test-modules also reads whole
# (internal/cmd/plancheck) to check that every resource that takes labels
# carries the community's.

provider "google" {
  project      = "hackweek-hub"
  region       = "us-central1"
  access_token = "fake"
}

run "everything" {
  command = plan

  variables {
    project_id     = "hackweek-hub"
    name           = "hackweek"
    community      = "pangeo-hackweek"
    region         = "us-central1"
    zone           = "us-central1-b"
    labels         = { cost-center = "geo-42" }
    private_nodes  = true
    notebook_nodes = { small = { machine_type = "n2-highmem-4" }, gpu = { machine_type = "n1-standard-8", gpu = { type = "nvidia-tesla-t4" } } }
    dask_nodes     = { workers = { machine_type = "n2-highmem-16" } }
    filestore      = {}
    hubs           = { staging = { persistent_bucket = true, requester_pays = true, bucket_access = { "shared-era5" = "read" } } }
    budget         = { billing_account = "012345-6789AB-CDEF01", project_number = "123456789012", amount = 500, emails = ["it@example.org"] }
  }

  assert {
    condition     = google_container_cluster.this.resource_labels["cost-center"] == "geo-42" && google_filestore_instance.homes[0].labels["cost-center"] == "geo-42"
    error_message = "The community's own labels reach every labelled resource, with the module's."
  }
  assert {
    condition     = length(google_backup_dr_backup_plan_association.homes) == 1 && length(google_billing_budget.this) == 1 && length(google_compute_router_nat.this) == 1
    error_message = "Every optional part is planned."
  }
}
