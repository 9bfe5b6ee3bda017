# Output names follow modules/gke wherever the concept is the same, so that a
# stack moves between clouds by changing the module.

# ---------------------------------------------------------------- connecting

locals {
  exec = {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--region", var.region, "--output", "json"]
  }
}

output "host" {
  description = "URL of the cluster's API server, e.g. `https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com`."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_ca_certificate" {
  description = "PEM-encoded CA certificate of the API server (already decoded)."
  value       = base64decode(aws_eks_cluster.this.certificate_authority[0].data)
}

output "exec" {
  description = "Credential plugin settings for `aws eks get-token` (the AWS CLI v2, with the credentials Terraform uses), in the shape of the `exec` attribute of a provider's `kubernetes` settings."
  value       = local.exec
}

output "connection" {
  description = "`host`, `cluster_ca_certificate` and `exec` together, for `provider \"twoi2chub\" { kubernetes = module.eks.connection }`."
  value = {
    host                   = aws_eks_cluster.this.endpoint
    cluster_ca_certificate = base64decode(aws_eks_cluster.this.certificate_authority[0].data)
    exec                   = local.exec
  }
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "location" {
  description = "Region of the cluster."
  value       = var.region
}

output "get_credentials_command" {
  description = "The `aws` command that writes a kubeconfig entry for the cluster, for `kubectl`."
  value       = "aws eks update-kubeconfig --name ${aws_eks_cluster.this.name} --region ${var.region}"
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, to write trust policies of further IRSA roles."
  value       = aws_iam_openid_connect_provider.this.arn
}

# ---------------------------------------------------------------- node pools

output "node_pools" {
  description = "Each node group by name (`core-pool`, `nb-<name>`, `dask-<name>`): `kind` (core, notebook or dask), `machine_type`, `min` and `max` nodes, `spot`, `gpu` (`{ type, count }` or null), Kubernetes `labels` and `taints`, and `node_selector` (the label EKS puts on the group's nodes), for hub profiles. The same shape as modules/gke's."
  value = { for name, p in local.pools : name => {
    kind          = p.kind
    machine_type  = p.machine_type
    min           = p.min
    max           = p.max
    spot          = p.spot
    gpu           = p.gpu == null ? null : { type = p.gpu.type, count = p.gpu.count }
    labels        = p.labels
    taints        = p.taints
    node_selector = { "eks.amazonaws.com/nodegroup" = name }
  } }
  depends_on = [aws_eks_node_group.pool]
}

output "node_role_arn" {
  description = "ARN of the nodes' IAM role (created or given)."
  value       = local.node_role_arn
}

output "cluster_autoscaler" {
  description = "What the cluster-autoscaler needs, in the shape of the `cluster_autoscaler` settings of the cluster support services: `cloud_provider` (`aws`), `cluster_name` (it discovers the groups tagged `k8s.io/cluster-autoscaler/<name>`), `region`, and the `service_account_annotations` (IRSA role) of its ServiceAccount `kube-system/cluster-autoscaler`."
  value = {
    cloud_provider              = "aws"
    cluster_name                = aws_eks_cluster.this.name
    region                      = var.region
    service_account_annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.autoscaler.arn }
  }
  depends_on = [aws_iam_role_policy.autoscaler]
}

# ---------------------------------------------------------------- images

output "image_registry" {
  description = "Path user images go under, `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>` (use `<image_registry>/<image>`, with `<image>` one of `image_registry.images`, as a `twoi2chub_user_image`'s `image`); null without `image_registry`."
  value       = local.registry_host == null ? null : "${local.registry_host}/${var.image_registry.prefix}"
}

output "image_builder" {
  description = "What user image build Jobs need to push through IRSA: the Kubernetes `namespace` and `service_account` to run as, the `annotations` that ServiceAccount must carry (`eks.amazonaws.com/role-arn`), the `iam_role_arn` it acts as, and the `registry_host` to log in to (with `aws ecr get-login-password`). Null without `image_registry`."
  value = local.registry_enabled ? {
    namespace       = var.image_builder.namespace
    service_account = var.image_builder.service_account
    annotations     = { "eks.amazonaws.com/role-arn" = aws_iam_role.builder[0].arn }
    iam_role_arn    = aws_iam_role.builder[0].arn
    registry_host   = local.registry_host
  } : null
  depends_on = [aws_iam_role_policy.builder_push]
}

# ---------------------------------------------------------------- storage

output "home_storage" {
  description = "Home directories on the EFS file system, in the shape `twoi2chub_hub`'s `storage` takes: `{ type = \"nfs\", nfs_server = <DNS name>, nfs_path = \"/\" }`; null without `efs`. Several hubs on one file system need their own `sub_path`, e.g. `\"staging/{username}\"`."
  value = local.efs_enabled ? {
    type       = "nfs"
    nfs_server = aws_efs_file_system.homes[0].dns_name
    nfs_path   = "/"
  } : null
  depends_on = [aws_efs_mount_target.homes, aws_vpc_security_group_ingress_rule.efs_nfs]
}

output "efs_backup_plan" {
  description = "ID of the AWS Backup plan that backs up the home directories daily; null without backups."
  value       = local.backups_enabled ? aws_backup_plan.homes[0].id : null
}

# ---------------------------------------------------------------- hubs

output "hubs" {
  description = <<-EOT
    Per hub: its `namespace`; the Kubernetes `service_account` its user servers must run as and the
    `service_account_annotations` that ServiceAccount needs for IRSA; the `iam_role_arn` they then act
    as; `scratch_bucket` and `persistent_bucket` as `s3://` URLs (null when absent); and `env`, the
    environment variables 2i2c's hubs set for users (`SCRATCH_BUCKET`, `PERSISTENT_BUCKET`, with
    `$(JUPYTERHUB_USER)` per user), ready for `singleuser.extraEnv`. The same shape as modules/gke's,
    with `iam_role_arn` for `google_service_account`.
  EOT
  value = { for k, h in local.hubs : k => {
    namespace                   = h.namespace
    service_account             = h.user_service_account
    service_account_annotations = { "eks.amazonaws.com/role-arn" = local.hub_role_arn[k] }
    iam_role_arn                = local.hub_role_arn[k]
    scratch_bucket              = h.scratch_bucket ? "s3://${aws_s3_bucket.hub["${k}-scratch"].bucket}" : null
    persistent_bucket           = h.persistent_bucket ? "s3://${aws_s3_bucket.hub["${k}-persistent"].bucket}" : null
    env = merge(
      h.scratch_bucket ? { SCRATCH_BUCKET = "s3://${aws_s3_bucket.hub["${k}-scratch"].bucket}/$(JUPYTERHUB_USER)" } : {},
      h.persistent_bucket ? { PERSISTENT_BUCKET = "s3://${aws_s3_bucket.hub["${k}-persistent"].bucket}/$(JUPYTERHUB_USER)" } : {},
    )
  } }
  depends_on = [aws_iam_role_policy.hub_buckets]
}

# ---------------------------------------------------------------- budget

output "budget" {
  description = "Name of the AWS budget; null without `budget`."
  value       = var.budget == null ? null : aws_budgets_budget.this[0].name
}
