# The whole stack planned from nothing: the cluster does not exist, so its
# endpoint and certificate are unknown, and the twoi2chub provider is configured
# from those unknowns. The plan must still cover every resource, the hub
# included: one apply creates it all.

provider "google" {
  project      = "hackweek-hub"
  region       = "us-central1"
  access_token = "fake"
}

variables {
  project_id           = "hackweek-hub"
  community            = "pangeo-hackweek"
  domain               = "hub.hackweek.example.org"
  contact_email        = "it@hackweek.example.org"
  github_client_id     = "Iv1.0123456789abcdef"
  github_client_secret = "not-a-real-secret"
  admin_users          = ["ada"]

  github_allowed_organizations = ["pangeo-data"]
}

run "defaults" {
  command = plan

  assert {
    condition     = twoi2chub_hub.this.name == var.hub_namespace && twoi2chub_hub.this.community == var.community
    error_message = "The hub's release must be named as its namespace and labelled with the community, as the cloud resources' tags are."
  }

  assert {
    condition     = twoi2chub_hub.this.url == "https://hub.hackweek.example.org/"
    error_message = "The hub is planned, with its URL, while the cluster is still unknown."
  }
  assert {
    condition     = google_monitoring_uptime_check_config.hub.http_check[0].path == "/hub/health" && google_monitoring_uptime_check_config.hub.monitored_resource[0].labels.host == "hub.hackweek.example.org"
    error_message = "An uptime check probes the hub's health_check_url."
  }
  assert {
    condition     = twoi2chub_hub.this.storage.type == "dynamic" && twoi2chub_hub.this.storage.capacity == "10Gi"
    error_message = "Without a Filestore, users get a disk each."
  }
  assert {
    condition     = twoi2chub_hub.this.image == "quay.io/jupyter/scipy-notebook:2025-01-06" && length(twoi2chub_user_image.environment) == 0
    error_message = "Without environment_repository the hub runs default_image and nothing is built."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[0].node_selector == tomap({ "cloud.google.com/gke-nodepool" = "nb-small" }) && twoi2chub_hub.this.profiles[0].memory_limit == "4G"
    error_message = "Profiles select their pool through the module's node_pools output."
  }
  assert {
    condition     = twoi2chub_hub.this.https.mode == "letsencrypt" && twoi2chub_hub.this.node_purpose.user == "require"
    error_message = "HTTPS from Let's Encrypt; users only on user nodes."
  }
  assert {
    condition     = twoi2chub_auth.github.callback_url == "https://hub.hackweek.example.org/hub/oauth_callback"
    error_message = "The OAuth callback is known before anything exists, to register the GitHub app first."
  }
  assert {
    condition     = length(google_dns_record_set.hub) == 0 && google_compute_address.hub.name == "hub-hub"
    error_message = "An address is reserved; without dns_managed_zone the record is yours to create."
  }
  assert {
    condition     = output.image_registry == "us-central1-docker.pkg.dev/hackweek-hub/user-images"
    error_message = "The registry path is known at plan."
  }
  assert {
    condition     = output.buckets.scratch == "gs://hackweek-hub-hub-scratch" && output.buckets.persistent == null
    error_message = "The hub gets a scratch bucket."
  }
  assert {
    condition     = output.get_credentials_command == "gcloud container clusters get-credentials hub --location us-central1 --project hackweek-hub"
    error_message = "kubectl access is one command away."
  }
}

run "filestore_dns_image" {
  command = plan

  variables {
    filestore              = { capacity_gb = 1024 }
    dns_managed_zone       = "hackweek-example-org"
    environment_repository = "https://github.com/2i2c-org/hackweek-env"
    # A commit is used as is; a branch would be resolved over the network at plan.
    environment_ref = "0123456789abcdef0123456789abcdef01234567"
    notebook_nodes = {
      small = { machine_type = "n2-highmem-4", max = 10 }
      gpu   = { machine_type = "n1-standard-8", max = 2, gpu = { type = "nvidia-tesla-t4" } }
    }
    profiles = [
      { display_name = "Small", default = true, pool = "small", memory_limit = "4G" },
      { display_name = "GPU", pool = "gpu", memory_limit = "24G", gpus = 1 },
    ]
    budget = { billing_account = "012345-6789AB-CDEF01", project_number = "123456789012", amount = 300, emails = ["it@hackweek.example.org"] }
  }

  assert {
    condition     = twoi2chub_hub.this.storage.type == "nfs" && twoi2chub_hub.this.storage.nfs_path == "/homes" && twoi2chub_hub.this.storage.sub_path == "hub/{username}"
    error_message = "With a Filestore, homes are on its share, one directory per user under the hub's."
  }
  assert {
    condition     = google_dns_record_set.hub[0].name == "hub.hackweek.example.org." && google_dns_record_set.hub[0].type == "A"
    error_message = "With dns_managed_zone the stack creates the A record."
  }
  assert {
    condition     = twoi2chub_user_image.environment[0].image == "us-central1-docker.pkg.dev/hackweek-hub/user-images/environment" && twoi2chub_user_image.environment[0].builder.namespace == "twoi2chub-builds"
    error_message = "The environment image is built into the module's repository, in the builder's namespace."
  }
  assert {
    condition     = twoi2chub_user_image.environment[0].commit == "0123456789abcdef0123456789abcdef01234567"
    error_message = "The image is planned from the given commit."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[1].gpu.count == 1 && twoi2chub_hub.this.profiles[1].node_selector == tomap({ "cloud.google.com/gke-nodepool" = "nb-gpu" })
    error_message = "A GPU profile asks for a GPU on the GPU pool."
  }
}

run "profile_on_a_missing_pool" {
  command = plan
  variables {
    profiles = [{ display_name = "Big", pool = "bigmem" }]
  }
  expect_failures = [twoi2chub_hub.this]
}

run "hub_namespace_malformed" {
  command = plan
  variables {
    hub_namespace = "Hackweek Hub"
  }
  expect_failures = [var.hub_namespace]
}
