# Node groups: one always-on core group, then the user (nb-*) and Dask (dask-*)
# groups, normalised into one map (as in modules/gke) so each is planned the
# same way. The cluster-autoscaler scales them, from zero too: the
# node-template tags on each group's Auto Scaling group tell it what a node
# would bring (labels, taints, GPUs) before any exists.

locals {
  core_pool = {
    "core-pool" = {
      kind            = "core"
      machine_type    = var.core_node_machine_type
      min             = 1
      max             = var.core_node_max_count
      spot            = false
      disk_size_gb    = var.core_node_disk_size_gb
      gpu             = null
      resource_labels = {}
      version         = var.k8s_versions.core_nodes_version
      labels = {
        "hub.jupyter.org/node-purpose" = "core"
        "k8s.dask.org/node-purpose"    = "core"
      }
      taints = []
    }
  }

  # The same spellings as modules/gke: effects as the EKS API writes them.
  user_taint = { key = "hub.jupyter.org_dedicated", value = "user", effect = "NO_SCHEDULE" }
  dask_taint = { key = "k8s.dask.org_dedicated", value = "worker", effect = "NO_SCHEDULE" }
  gpu_taint  = { key = "nvidia.com/gpu", value = "present", effect = "NO_SCHEDULE" }

  notebook_pools = { for k, p in var.notebook_nodes : "nb-${k}" => merge(p, {
    kind    = "notebook"
    version = var.k8s_versions.notebook_nodes_version
    labels = merge(p.labels, {
      "hub.jupyter.org/node-purpose" = "user"
      "k8s.dask.org/node-purpose"    = "scheduler"
    })
    taints = concat([local.user_taint], p.gpu == null ? [] : [local.gpu_taint], p.taints)
  }) }

  dask_pools = { for k, p in var.dask_nodes : "dask-${k}" => merge(p, {
    kind    = "dask"
    version = var.k8s_versions.dask_nodes_version
    labels  = merge(p.labels, { "k8s.dask.org/node-purpose" = "worker" })
    taints  = concat([local.dask_taint], p.gpu == null ? [] : [local.gpu_taint], p.taints)
  }) }

  pools = merge(local.core_pool, local.notebook_pools, local.dask_pools)

  # Kubernetes spells effects NoSchedule, the EKS API NO_SCHEDULE.
  k8s_effect = { NO_SCHEDULE = "NoSchedule", PREFER_NO_SCHEDULE = "PreferNoSchedule", NO_EXECUTE = "NoExecute" }

  # What the cluster-autoscaler reads to scale a group up from zero nodes.
  node_template_tags = { for name, p in local.pools : name => merge(
    { for k, v in merge(p.labels, { "eks.amazonaws.com/nodegroup" = name }) : "k8s.io/cluster-autoscaler/node-template/label/${k}" => v },
    { for t in p.taints : "k8s.io/cluster-autoscaler/node-template/taint/${t.key}" => "${t.value}:${local.k8s_effect[t.effect]}" },
    p.gpu == null ? {} : { "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu" = tostring(p.gpu.count) },
  ) }
  autoscaler_tags = {
    "k8s.io/cluster-autoscaler/enabled"     = "true"
    "k8s.io/cluster-autoscaler/${var.name}" = "owned"
  }
}

resource "aws_eks_node_group" "pool" {
  for_each = local.pools

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = local.node_role_arn
  subnet_ids      = local.node_subnet_ids
  version         = each.value.version

  instance_types = [each.value.machine_type]
  capacity_type  = each.value.spot ? "SPOT" : "ON_DEMAND"
  ami_type       = each.value.gpu == null ? "AL2023_x86_64_STANDARD" : "AL2023_x86_64_NVIDIA"
  disk_size      = each.value.disk_size_gb

  scaling_config {
    # At creation only (ignored afterwards: the autoscaler owns the size).
    desired_size = each.value.min
    min_size     = each.value.min
    max_size     = each.value.max
  }

  update_config {
    max_unavailable = 1
  }

  labels = each.value.labels

  dynamic "taint" {
    for_each = each.value.taints
    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  tags = merge(each.value.resource_labels, local.tags, local.autoscaler_tags, local.node_template_tags[each.key], {
    "twoi2chub-node-pool" = each.key
  })

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.nodes]
}

# Managed node groups do not pass their tags on to their Auto Scaling groups,
# where the cluster-autoscaler looks: each tag is put there too.
resource "aws_autoscaling_group_tag" "pool" {
  for_each = merge([for name, p in local.pools : {
    for k, v in merge(local.tags, local.autoscaler_tags, local.node_template_tags[name], { "twoi2chub-node-pool" = name }) :
    "${name}/${k}" => { pool = name, key = k, value = v }
  }]...)

  autoscaling_group_name = aws_eks_node_group.pool[each.value.pool].resources[0].autoscaling_groups[0].name

  tag {
    key   = each.value.key
    value = each.value.value
    # Instances get the community's tags too, so EC2 costs split per community.
    propagate_at_launch = true
  }
}
