# The whole stack planned from nothing: the cluster does not exist, so its
# address and certificate are unknown, and the twoi2chub provider is configured
# from those unknowns. The plan must still cover every resource, the hub
# included: one apply creates it all.

# Offline: a managed identity token from the loopback endpoint make test-modules
# starts (internal/cmd/msiendpoint, at ARM_MSI_ENDPOINT), all-zero IDs.
provider "azurerm" {
  features {}
  use_msi                         = true
  use_cli                         = false
  subscription_id                 = "00000000-0000-0000-0000-000000000000"
  tenant_id                       = "00000000-0000-0000-0000-000000000000"
  resource_provider_registrations = "none"
}

variables {
  subscription_id        = "00000000-0000-0000-0000-000000000000"
  resource_group_name    = "hackweek-hub"
  community              = "pangeo-hackweek"
  storage_account_prefix = "hackweekhub"
  domain                 = "hub.hackweek.example.org"
  contact_email          = "it@hackweek.example.org"
  github_client_id       = "Iv1.0123456789abcdef"
  github_client_secret   = "not-a-real-secret"
  admin_users            = ["ada"]

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
    condition     = azurerm_application_insights_standard_web_test.hub.request[0].url == "https://hub.hackweek.example.org/hub/health"
    error_message = "An availability test probes the hub's health_check_url."
  }
  assert {
    condition     = twoi2chub_hub.this.storage.type == "dynamic" && twoi2chub_hub.this.storage.capacity == "10Gi"
    error_message = "Without Azure Files, users get a disk each."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[0].node_selector == tomap({ "kubernetes.azure.com/agentpool" = "nbsmall" })
    error_message = "Profiles select their pool through the module's node_pools output."
  }
  assert {
    condition     = azurerm_public_ip.hub.sku == "Standard" && azurerm_public_ip.hub.allocation_method == "Static" && length(azurerm_dns_a_record.hub) == 0
    error_message = "An address is reserved; without dns_zone_name the record is yours to create."
  }
  assert {
    condition     = output.buckets.scratch == "az://hub-scratch" && output.image_registry == null
    error_message = "The hub gets a scratch container; no registry unless named."
  }
  assert {
    condition     = output.get_credentials_command == "az aks get-credentials --resource-group hackweek-hub --name hub"
    error_message = "kubectl access is one command away."
  }
}

run "files_registry_image" {
  command = plan

  variables {
    azure_files            = { capacity_gb = 100 }
    dns_zone_name          = "hackweek.example.org"
    image_registry_name    = "hackweekimages"
    environment_repository = "https://github.com/2i2c-org/hackweek-env"
    # A commit is used as is; a branch would be resolved over the network at plan.
    environment_ref = "0123456789abcdef0123456789abcdef01234567"
    notebook_nodes = {
      small = { machine_type = "Standard_E4s_v5", max = 10 }
      gpu   = { machine_type = "Standard_NC4as_T4_v3", max = 2, gpu = { count = 1 } }
    }
    profiles = [
      { display_name = "Small", default = true, pool = "small", memory_limit = "4G" },
      { display_name = "GPU", pool = "gpu", memory_limit = "24G", gpus = 1 },
    ]
    budget = { amount = 300, emails = ["it@hackweek.example.org"] }
  }

  assert {
    condition     = twoi2chub_hub.this.storage.type == "nfs" && twoi2chub_hub.this.storage.nfs_path == "/hackweekhubhomes/homes" && twoi2chub_hub.this.storage.sub_path == "hub/{username}"
    error_message = "With Azure Files, homes are on its share, one directory per user under the hub's."
  }
  assert {
    condition     = azurerm_dns_a_record.hub[0].name == "hub" && azurerm_dns_a_record.hub[0].zone_name == "hackweek.example.org"
    error_message = "With dns_zone_name the stack creates the A record."
  }
  assert {
    condition     = twoi2chub_user_image.environment[0].builder.namespace == "twoi2chub-builds"
    error_message = "The environment image is built in the builder's namespace (its commit and image name are known once the registry exists)."
  }
  assert {
    condition     = twoi2chub_hub.this.profiles[1].gpu.count == 1 && twoi2chub_hub.this.profiles[1].node_selector == tomap({ "kubernetes.azure.com/agentpool" = "nbgpu" })
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
