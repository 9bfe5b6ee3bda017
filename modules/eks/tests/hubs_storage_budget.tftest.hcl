# Per-hub cloud access (IRSA roles, S3 buckets), the registry and its push
# role, EFS home directories with backups, the budget and cost allocation tags.

provider "aws" {
  region                      = "us-west-2"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name               = "hackweek"
  community          = "pangeo-hackweek"
  region             = "us-west-2"
  zone               = "us-west-2a"
  bucket_name_prefix = "pangeo-hackweek"

  hubs = {
    staging = {}
    prod = {
      namespace            = "hackweek-prod"
      user_service_account = "jovyan"
      persistent_bucket    = true
      bucket_access        = { "shared-era5" = "read", "partner-uploads" = "read-write" }
    }
    shared = {
      scratch_bucket = false
      iam_role_arn   = "arn:aws:iam::123456789012:role/datasets/partner-users"
      bucket_access  = { "shared-era5" = "read" }
    }
  }

  efs    = { backups = { retention_days = 14, start_hour_utc = 3 } }
  budget = { amount = 500, emails = ["it@example.org", "pi@example.org"], only_community_costs = true }

  activate_cost_allocation_tags = true
}

run "hubs" {
  command = plan

  assert {
    condition     = aws_iam_role.hub["prod"].name == "hackweek-prod" && !contains(keys(aws_iam_role.hub), "shared")
    error_message = "An IAM role <name>-<hub> is created unless the hub gives one."
  }
  assert {
    condition     = aws_iam_role.hub["prod"].tags["twoi2chub-hub"] == "prod"
    error_message = "Hub resources carry the hub's tag, so costs split per hub."
  }
  assert {
    condition     = aws_s3_bucket.hub["staging-scratch"].bucket == "pangeo-hackweek-staging-scratch" && aws_s3_bucket.hub["staging-scratch"].force_destroy
    error_message = "A scratch bucket <prefix>-<hub>-scratch per hub, disposable."
  }
  assert {
    condition     = aws_s3_bucket.hub["prod-persistent"].bucket == "pangeo-hackweek-prod-persistent" && !aws_s3_bucket.hub["prod-persistent"].force_destroy
    error_message = "A persistent bucket is never emptied by Terraform."
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.scratch["staging-scratch"].rule[0].expiration[0].days == 7 && !contains(keys(aws_s3_bucket_lifecycle_configuration.scratch), "prod-persistent")
    error_message = "Scratch objects expire after a week; persistent ones never."
  }
  assert {
    condition     = alltrue([for b in aws_s3_bucket_public_access_block.hub : b.block_public_acls && b.restrict_public_buckets])
    error_message = "No hub bucket can be made public."
  }
  assert {
    condition = (jsondecode(aws_iam_role_policy.hub_buckets["shared"].policy).Statement[0].Action == ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"] &&
    jsondecode(aws_iam_role_policy.hub_buckets["shared"].policy).Statement[0].Resource == ["arn:aws:s3:::shared-era5", "arn:aws:s3:::shared-era5/*"])
    error_message = "bucket_access read grants read-only access to the bucket and its objects."
  }
  assert {
    condition     = aws_iam_role_policy.hub_buckets["shared"].role == "partner-users"
    error_message = "A given role (with a path) is named by the last part of its ARN."
  }
  assert {
    condition     = output.hubs["prod"].scratch_bucket == "s3://pangeo-hackweek-prod-scratch" && output.hubs["prod"].env.PERSISTENT_BUCKET == "s3://pangeo-hackweek-prod-persistent/$(JUPYTERHUB_USER)"
    error_message = "hubs gives the buckets' URLs and 2i2c's per-user environment variables."
  }
  assert {
    condition     = output.hubs["prod"].namespace == "hackweek-prod" && output.hubs["prod"].service_account == "jovyan" && output.hubs["shared"].service_account_annotations == { "eks.amazonaws.com/role-arn" = "arn:aws:iam::123456789012:role/datasets/partner-users" }
    error_message = "hubs says which ServiceAccount to run as and the IRSA annotation it needs."
  }
  assert {
    condition     = output.hubs["shared"].scratch_bucket == null && length(output.hubs["shared"].env) == 0
    error_message = "No scratch bucket when scratch_bucket = false."
  }
}

run "registry" {
  command = plan

  assert {
    condition     = aws_ecr_repository.images["environment"].name == "user-images/environment" && aws_ecr_repository.images["environment"].image_scanning_configuration[0].scan_on_push
    error_message = "One ECR repository <prefix>/<image> per image, scanned on push."
  }
  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.images["environment"].policy).rules[0].selection.countNumber == 30
    error_message = "Untagged images expire after delete_untagged_after_days."
  }
  assert {
    # The push policy names the repositories' ARNs, known only once they exist.
    condition     = aws_iam_role.builder[0].name == "hackweek-builder" && aws_iam_role_policy.builder_push[0].name == "push-user-images"
    error_message = "Builds push as the builder role, with its push policy."
  }
  assert {
    condition     = output.image_builder.namespace == "twoi2chub-builds" && output.image_builder.service_account == "image-builder"
    error_message = "image_builder says where builds run and as which ServiceAccount."
  }
}

run "efs" {
  command = plan

  assert {
    condition     = aws_efs_file_system.homes[0].encrypted && aws_efs_file_system.homes[0].throughput_mode == "elastic"
    error_message = "Home directories on an encrypted, elastic EFS file system."
  }
  assert {
    condition     = length(aws_efs_mount_target.homes) == 1 && aws_vpc_security_group_ingress_rule.efs_nfs[0].from_port == 2049
    error_message = "One mount target in the nodes' subnet, NFS open to the cluster's nodes."
  }
  assert {
    condition     = one(aws_backup_plan.homes[0].rule).schedule == "cron(0 3 * * ? *)" && one(aws_backup_plan.homes[0].rule).lifecycle[0].delete_after == 14
    error_message = "Daily backups at start_hour_utc, kept retention_days."
  }
  assert {
    condition     = !aws_backup_vault.homes[0].force_destroy
    error_message = "With deletion_protection the vault keeps its backups."
  }
  assert {
    condition     = output.home_storage.type == "nfs" && output.home_storage.nfs_path == "/"
    error_message = "home_storage plugs into the hub's storage."
  }
}

run "budget" {
  command = plan

  assert {
    condition     = aws_budgets_budget.this[0].limit_amount == "500" && aws_budgets_budget.this[0].time_unit == "MONTHLY"
    error_message = "A monthly budget of amount."
  }
  assert {
    condition     = toset([for n in aws_budgets_budget.this[0].notification : "${n.notification_type}:${n.threshold}"]) == toset(["ACTUAL:50", "ACTUAL:90", "ACTUAL:100", "FORECASTED:100"])
    error_message = "Alerts at each threshold of actual spend, and at forecast spend."
  }
  assert {
    condition     = alltrue([for n in aws_budgets_budget.this[0].notification : n.subscriber_email_addresses == toset(["it@example.org", "pi@example.org"])])
    error_message = "Every alert goes to the e-mails."
  }
  assert {
    condition     = one(aws_budgets_budget.this[0].cost_filter).values == tolist(["user:twoi2chub-community$pangeo-hackweek"])
    error_message = "only_community_costs counts the community's tagged resources."
  }
  assert {
    condition     = toset(keys(aws_ce_cost_allocation_tag.this)) == toset(["twoi2chub-community", "twoi2chub-cluster", "twoi2chub-hub"])
    error_message = "The module's tags are activated for cost allocation when asked."
  }
}
