# Every optional part on at once: the plan make test-modules also reads whole
# (internal/cmd/plancheck) to check that every resource that takes tags
# carries the community's.

provider "aws" {
  region                      = "us-west-2"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

run "everything" {
  command = plan

  variables {
    name                 = "hackweek"
    community            = "pangeo-hackweek"
    region               = "us-west-2"
    zone                 = "us-west-2a"
    bucket_name_prefix   = "pangeo-hackweek"
    labels               = { cost-center = "geo-42" }
    private_nodes        = true
    admin_principal_arns = ["arn:aws:iam::123456789012:role/hub-engineers"]
    notebook_nodes       = { small = { machine_type = "r5.xlarge" }, gpu = { machine_type = "g4dn.xlarge", gpu = { count = 1 } } }
    dask_nodes           = { workers = { machine_type = "r5.4xlarge" } }
    efs                  = {}
    hubs                 = { staging = { persistent_bucket = true, bucket_access = { "shared-era5" = "read" } } }
    budget               = { amount = 500, emails = ["it@example.org"] }
  }

  assert {
    condition     = aws_eks_cluster.this.tags["cost-center"] == "geo-42" && aws_efs_file_system.homes[0].tags["cost-center"] == "geo-42"
    error_message = "The community's own tags reach every tagged resource, with the module's."
  }
  assert {
    condition     = length(aws_backup_selection.homes) == 1 && length(aws_budgets_budget.this) == 1 && length(aws_nat_gateway.this) == 1
    error_message = "Every optional part is planned."
  }
}
