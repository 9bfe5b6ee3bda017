# An EKS cluster ready for JupyterHub, from plain aws_* resources: an always-on
# core node group, user and Dask node groups that scale to zero (with the
# cluster-autoscaler's IRSA role and node-template tags), IRSA for everything
# that talks to AWS, the EBS CSI driver with a default StorageClass, and the
# cloud resources hubs use (registry, home storage, buckets, per-hub roles,
# budget).

data "aws_partition" "current" {}

locals {
  # Every resource that takes tags gets these; hub resources also twoi2chub-hub.
  tags = merge(var.labels, {
    "twoi2chub-community" = var.community
    "twoi2chub-cluster"   = var.name
  })

  partition = data.aws_partition.current.partition
  # AWS managed policies are named by ARN in the partition (aws, aws-cn, aws-us-gov).
  managed_policy = "arn:${local.partition}:iam::aws:policy"

  cluster_role_arn = coalesce(var.cluster_role_arn, try(aws_iam_role.cluster[0].arn, null))
  node_role_arn    = coalesce(var.node_role_arn, try(aws_iam_role.nodes[0].arn, null))
}

# ---------------------------------------------------------------- cluster and node roles

resource "aws_iam_role" "cluster" {
  count       = var.cluster_role_arn == null ? 1 : 0
  name        = "${var.name}-cluster"
  description = "EKS control plane of ${var.name}"
  tags        = local.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
}

resource "aws_iam_role_policy_attachment" "cluster" {
  count      = var.cluster_role_arn == null ? 1 : 0
  role       = aws_iam_role.cluster[0].name
  policy_arn = "${local.managed_policy}/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "nodes" {
  count       = var.node_role_arn == null ? 1 : 0
  name        = "${var.name}-nodes"
  description = "Nodes of EKS cluster ${var.name}"
  tags        = local.tags
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# What nodes need to join, run the VPC CNI and pull images, and nothing else:
# pods reach AWS through their own IRSA roles.
resource "aws_iam_role_policy_attachment" "nodes" {
  for_each = var.node_role_arn == null ? toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
  ]) : toset([])
  role       = aws_iam_role.nodes[0].name
  policy_arn = "${local.managed_policy}/${each.value}"
}

# ---------------------------------------------------------------- cluster

resource "aws_eks_cluster" "this" {
  name                = var.name
  role_arn            = local.cluster_role_arn
  version             = var.k8s_versions.min_master_version
  deletion_protection = var.deletion_protection
  tags                = local.tags

  vpc_config {
    subnet_ids              = local.cluster_subnet_ids
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = var.api_allowed_cidrs
  }

  access_config {
    # Access entries (below), not the aws-auth ConfigMap, say who is admin.
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  # The VPC CNI, CoreDNS and kube-proxy that every cluster needs come with it.
  bootstrap_self_managed_addons = true

  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  lifecycle {
    precondition {
      condition     = startswith(var.zone, var.region)
      error_message = "zone ${var.zone} is not in region ${var.region}: pick a zone such as \"${var.region}a\"."
    }
  }

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

resource "aws_eks_access_entry" "admin" {
  for_each      = toset(var.admin_principal_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  tags          = local.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each      = toset(var.admin_principal_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.value].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
  access_scope {
    type = "cluster"
  }
}

# ---------------------------------------------------------------- IRSA

# Pods get AWS credentials by assuming an IAM role with a token the cluster's
# OIDC issuer signs for their ServiceAccount (IRSA): no access key anywhere.
resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
  tags           = local.tags
}

locals {
  oidc_issuer_host = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")

  # The trust policy of a role that one Kubernetes ServiceAccount may assume.
  irsa_trust = { for k, sa in merge(
    { autoscaler = "kube-system/cluster-autoscaler", ebs-csi = "kube-system/ebs-csi-controller-sa" },
    local.registry_enabled ? { builder = "${var.image_builder.namespace}/${var.image_builder.service_account}" } : {},
    { for k, h in local.hubs : "hub-${k}" => "${h.namespace}/${h.user_service_account}" },
    ) : k => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Federated = aws_iam_openid_connect_provider.this.arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_issuer_host}:sub" = "system:serviceaccount:${sa}"
            "${local.oidc_issuer_host}:aud" = "sts.amazonaws.com"
          }
        }
      }]
  }) }
}

# ---------------------------------------------------------------- EBS volumes

resource "aws_iam_role" "ebs_csi" {
  name               = "${var.name}-ebs-csi"
  description        = "EBS CSI driver of EKS cluster ${var.name}"
  assume_role_policy = local.irsa_trust["ebs-csi"]
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "${local.managed_policy}/service-role/AmazonEBSCSIDriverPolicy"
}

# Hub databases and per-user homes are EBS volumes; EKS clusters have no
# default StorageClass of their own since 1.30: the add-on makes a gp3 one.
resource "aws_eks_addon" "ebs_csi" {
  cluster_name             = aws_eks_cluster.this.name
  addon_name               = "aws-ebs-csi-driver"
  service_account_role_arn = aws_iam_role.ebs_csi.arn
  configuration_values     = jsonencode({ defaultStorageClass = { enabled = true } })
  tags                     = local.tags

  # Its controller runs on a node: wait for the core group.
  depends_on = [aws_eks_node_group.pool]
}

# ---------------------------------------------------------------- cluster-autoscaler

# EKS does not scale managed node groups itself (GKE and AKS do): the
# cluster-autoscaler, installed in kube-system as the ServiceAccount
# cluster-autoscaler (output cluster_autoscaler), does it through this role,
# which may only resize this cluster's groups.
resource "aws_iam_role" "autoscaler" {
  name               = "${var.name}-autoscaler"
  description        = "cluster-autoscaler of EKS cluster ${var.name}"
  assume_role_policy = local.irsa_trust["autoscaler"]
  tags               = local.tags
}

resource "aws_iam_role_policy" "autoscaler" {
  name = "cluster-autoscaler"
  role = aws_iam_role.autoscaler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
        Resource = "*"
        Condition = {
          StringEquals = { "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.name}" = "owned" }
        }
      },
    ]
  })
}
