# Home directories on EFS (one mount target in the nodes' subnets, NFS open to
# the cluster's nodes only), backed up daily by AWS Backup.

locals {
  efs_enabled     = var.efs != null
  backups_enabled = local.efs_enabled ? var.efs.backups.enabled : false
}

resource "aws_security_group" "efs" {
  count       = local.efs_enabled ? 1 : 0
  name        = "${var.name}-efs"
  description = "NFS from the nodes of EKS cluster ${var.name} to its home directories"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-efs" })
}

# Managed node groups' nodes carry the cluster security group.
resource "aws_vpc_security_group_ingress_rule" "efs_nfs" {
  count                        = local.efs_enabled ? 1 : 0
  security_group_id            = aws_security_group.efs[0].id
  referenced_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  description                  = "NFS from the cluster's nodes"
  tags                         = local.tags
}

resource "aws_efs_file_system" "homes" {
  count            = local.efs_enabled ? 1 : 0
  creation_token   = "${var.name}-homes"
  encrypted        = true
  performance_mode = var.efs.performance_mode
  throughput_mode  = var.efs.throughput_mode
  tags             = merge(local.tags, { Name = "${var.name}-homes" })

  # Files nobody opened for a month move to the cheaper Infrequent Access class.
  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }
}

resource "aws_efs_mount_target" "homes" {
  for_each        = local.efs_enabled ? { for i, s in local.node_subnet_ids : tostring(i) => s } : {}
  file_system_id  = aws_efs_file_system.homes[0].id
  subnet_id       = each.value
  security_groups = [aws_security_group.efs[0].id]
}

# EFS's own automatic backups are off: the plan below sets the schedule and
# retention, and its vault keeps backups when the file system is deleted.
resource "aws_efs_backup_policy" "homes" {
  count          = local.efs_enabled ? 1 : 0
  file_system_id = aws_efs_file_system.homes[0].id
  backup_policy {
    status = "DISABLED"
  }
}

resource "aws_backup_vault" "homes" {
  count = local.backups_enabled ? 1 : 0
  name  = "${var.name}-homes"
  tags  = local.tags
  # Only an empty vault can be deleted; with deletion_protection it keeps its backups.
  force_destroy = !var.deletion_protection
}

resource "aws_backup_plan" "homes" {
  count = local.backups_enabled ? 1 : 0
  name  = "${var.name}-homes"
  tags  = local.tags

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.homes[0].name
    schedule          = "cron(0 ${var.efs.backups.start_hour_utc} * * ? *)"
    start_window      = 60
    completion_window = 360
    lifecycle {
      delete_after = var.efs.backups.retention_days
    }
    recovery_point_tags = local.tags
  }
}

resource "aws_iam_role" "backup" {
  count       = local.backups_enabled ? 1 : 0
  name        = "${var.name}-backup"
  description = "AWS Backup of the home directories of EKS cluster ${var.name}"
  tags        = local.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each   = local.backups_enabled ? toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) : toset([])
  role       = aws_iam_role.backup[0].name
  policy_arn = "${local.managed_policy}/service-role/${each.value}"
}

resource "aws_backup_selection" "homes" {
  count        = local.backups_enabled ? 1 : 0
  name         = "${var.name}-homes"
  plan_id      = aws_backup_plan.homes[0].id
  iam_role_arn = aws_iam_role.backup[0].arn
  resources    = [aws_efs_file_system.homes[0].arn]
}
