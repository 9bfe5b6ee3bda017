# The whole stack planned from nothing: the cluster does not exist, so its
# endpoint and certificate are unknown, and the twoi2chub provider is configured
# from those unknowns. The plan must still cover every resource, the hub
# included: one apply creates it all.

# Offline: fake static keys, and no call to STS (see modules/README.md).
provider "aws" {
  region                      = "us-west-2"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  community            = "pangeo-hackweek"
  bucket_name_prefix   = "pangeo-hackweek-2026"
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
    condition     = aws_route53_health_check.hub.fqdn == "hub.hackweek.example.org" && aws_route53_health_check.hub.resource_path == "/hub/health" && aws_route53_health_check.hub.type == "HTTPS"
    error_message = "A Route 53 health check probes the hub's health_check_url."
  }
  assert {
    condition     = twoi2chub_hub.this.storage.type == "dynamic" && twoi2chub_hub.this.storage.capacity == "10Gi"
    error_message = "Without EFS, users get a volume each."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[0].node_selector == tomap({ "eks.amazonaws.com/nodegroup" = "nb-small" }) && twoi2chub_hub.this.profiles[0].memory_limit == "4G"
    error_message = "Profiles select their node group through the module's node_pools output."
  }
  assert {
    condition     = twoi2chub_auth.github.callback_url == "https://hub.hackweek.example.org/hub/oauth_callback"
    error_message = "The OAuth callback is known before anything exists, to register the GitHub app first."
  }
  assert {
    condition     = output.buckets.scratch == "s3://pangeo-hackweek-2026-hub-scratch" && output.buckets.persistent == null
    error_message = "The hub gets a scratch bucket."
  }
  assert {
    condition     = output.get_credentials_command == "aws eks update-kubeconfig --name hub --region us-west-2"
    error_message = "kubectl access is one command away."
  }
  assert {
    condition     = output.cluster_autoscaler.cluster_name == "hub" && output.cluster_autoscaler.cloud_provider == "aws"
    error_message = "The cluster-autoscaler's settings are ready for the cluster support services."
  }
  assert {
    condition     = twoi2chub_cluster_support.this.cluster_autoscaler.cluster_name == "hub" && twoi2chub_cluster_support.this.cluster_autoscaler.region == "us-west-2" && twoi2chub_cluster_support.this.namespace == "support"
    error_message = "The cluster-autoscaler is declared in the stack, with the module's settings, in the namespace the module's IRSA role trusts."
  }
  assert {
    condition     = twoi2chub_cluster_support.this.ingress_nginx == null && twoi2chub_cluster_support.this.cert_manager == null
    error_message = "The stack's hub has its own load balancer and certificate: the support services add only the autoscaler."
  }
}

run "efs_image_gpu" {
  command = plan

  variables {
    efs                    = {}
    environment_repository = "https://github.com/2i2c-org/hackweek-env"
    # A commit is used as is; a branch would be resolved over the network at plan.
    environment_ref = "0123456789abcdef0123456789abcdef01234567"
    notebook_nodes = {
      small = { machine_type = "r5.xlarge", max = 10 }
      gpu   = { machine_type = "g4dn.xlarge", max = 2, gpu = { count = 1 } }
    }
    profiles = [
      { display_name = "Small", default = true, pool = "small", memory_limit = "4G" },
      { display_name = "GPU", pool = "gpu", memory_limit = "12G", gpus = 1 },
    ]
    budget = { amount = 300, emails = ["it@hackweek.example.org"] }
  }

  assert {
    condition     = twoi2chub_hub.this.storage.type == "nfs" && twoi2chub_hub.this.storage.nfs_path == "/" && twoi2chub_hub.this.storage.sub_path == "hub/{username}"
    error_message = "With EFS, homes are on it, one directory per user under the hub's."
  }
  assert {
    condition     = twoi2chub_user_image.environment[0].builder.namespace == "twoi2chub-builds"
    error_message = "The environment image is built in the builder's namespace (its commit and image name are known once the registry exists)."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[1].gpu.count == 1 && twoi2chub_hub.this.profiles[1].node_selector == tomap({ "eks.amazonaws.com/nodegroup" = "nb-gpu" })
    error_message = "A GPU profile asks for a GPU on the GPU group."
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
