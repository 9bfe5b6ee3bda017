# Node groups: the core group, user groups and Dask groups from maps, with
# their labels, taints, bounds down to zero, spot capacity, GPU images, and the
# cluster-autoscaler's tags for scaling from zero.

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
  name               = "hackweek"
  community          = "pangeo-hackweek"
  region             = "us-west-2"
  zone               = "us-west-2a"
  bucket_name_prefix = "pangeo-hackweek"

  core_node_machine_type = "m6i.large"
  core_node_max_count    = 3

  notebook_nodes = {
    small = { machine_type = "r5.xlarge", max = 20 }
    gpu-t4 = {
      machine_type = "g4dn.2xlarge"
      max          = 4
      spot         = true
      disk_size_gb = 200
      gpu          = { type = "nvidia-tesla-t4", count = 1 }
      labels       = { "example.org/gpu" = "t4" }
      taints       = [{ key = "example.org/course", value = "ml", effect = "NO_SCHEDULE" }]
    }
  }
  dask_nodes = {
    workers = { machine_type = "r5.4xlarge", min = 1, max = 50 }
  }
}

run "pools" {
  command = plan

  assert {
    condition     = toset(keys(aws_eks_node_group.pool)) == toset(["core-pool", "nb-small", "nb-gpu-t4", "dask-workers"])
    error_message = "One core group, nb-<name> per notebook_nodes entry, dask-<name> per dask_nodes entry."
  }

  # Core group: always on, labelled core, untainted.
  assert {
    condition = (aws_eks_node_group.pool["core-pool"].labels["hub.jupyter.org/node-purpose"] == "core" &&
      aws_eks_node_group.pool["core-pool"].scaling_config[0].min_size == 1 &&
      aws_eks_node_group.pool["core-pool"].scaling_config[0].max_size == 3 &&
    length(aws_eks_node_group.pool["core-pool"].taint) == 0)
    error_message = "The core group is labelled core, untainted, between 1 and core_node_max_count."
  }
  assert {
    condition     = aws_eks_node_group.pool["core-pool"].instance_types == tolist(["m6i.large"]) && aws_eks_node_group.pool["core-pool"].capacity_type == "ON_DEMAND"
    error_message = "The core group runs core_node_machine_type on demand."
  }

  # A plain user group: scales from zero, user label and taint, on demand.
  assert {
    condition = (aws_eks_node_group.pool["nb-small"].scaling_config[0].min_size == 0 &&
      aws_eks_node_group.pool["nb-small"].scaling_config[0].desired_size == 0 &&
    aws_eks_node_group.pool["nb-small"].scaling_config[0].max_size == 20)
    error_message = "A user group scales from zero (min default 0) to max."
  }
  assert {
    condition = (aws_eks_node_group.pool["nb-small"].labels["hub.jupyter.org/node-purpose"] == "user" &&
    aws_eks_node_group.pool["nb-small"].labels["k8s.dask.org/node-purpose"] == "scheduler")
    error_message = "User groups are labelled node-purpose=user (and host Dask schedulers)."
  }
  assert {
    condition     = [for t in aws_eks_node_group.pool["nb-small"].taint : "${t.key}=${t.value}:${t.effect}"] == ["hub.jupyter.org_dedicated=user:NO_SCHEDULE"]
    error_message = "User groups carry z2jh's dedicated-user taint."
  }
  assert {
    condition = (aws_eks_node_group.pool["nb-small"].ami_type == "AL2023_x86_64_STANDARD" &&
    aws_eks_node_group.pool["nb-small"].disk_size == 100 && aws_eks_node_group.pool["nb-small"].capacity_type == "ON_DEMAND")
    error_message = "User group defaults: standard image, 100 GB, on demand."
  }

  # The GPU group: NVIDIA image, spot, disk, extra labels and taints.
  assert {
    condition     = aws_eks_node_group.pool["nb-gpu-t4"].ami_type == "AL2023_x86_64_NVIDIA" && aws_eks_node_group.pool["nb-gpu-t4"].capacity_type == "SPOT"
    error_message = "A GPU group runs EKS's NVIDIA image; spot = true asks for spot capacity."
  }
  assert {
    condition = toset([for t in aws_eks_node_group.pool["nb-gpu-t4"].taint : "${t.key}=${t.value}:${t.effect}"]) == toset([
      "hub.jupyter.org_dedicated=user:NO_SCHEDULE", "nvidia.com/gpu=present:NO_SCHEDULE", "example.org/course=ml:NO_SCHEDULE",
    ])
    error_message = "A GPU group gets the user taint, the GPU taint and its own."
  }
  assert {
    condition     = aws_eks_node_group.pool["nb-gpu-t4"].labels["example.org/gpu"] == "t4" && aws_eks_node_group.pool["nb-gpu-t4"].disk_size == 200
    error_message = "A group's own labels are added to the module's, and disk_size_gb reaches it."
  }

  # Dask workers: spot by default, their own label and taint.
  assert {
    condition = (aws_eks_node_group.pool["dask-workers"].capacity_type == "SPOT" &&
      aws_eks_node_group.pool["dask-workers"].labels["k8s.dask.org/node-purpose"] == "worker" &&
    [for t in aws_eks_node_group.pool["dask-workers"].taint : "${t.key}=${t.value}:${t.effect}"] == ["k8s.dask.org_dedicated=worker:NO_SCHEDULE"])
    error_message = "Dask groups: spot, node-purpose=worker, dask taint."
  }

  # The cluster-autoscaler finds every group and knows what a node would bring.
  assert {
    condition = alltrue([for name, g in aws_eks_node_group.pool :
      g.tags["k8s.io/cluster-autoscaler/enabled"] == "true" && g.tags["k8s.io/cluster-autoscaler/hackweek"] == "owned" &&
      g.tags["twoi2chub-community"] == "pangeo-hackweek" && g.tags["twoi2chub-node-pool"] == name
    ])
    error_message = "Every group is tagged for the autoscaler's auto-discovery, the community and its own name."
  }
  assert {
    condition = (aws_autoscaling_group_tag.pool["nb-gpu-t4/k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu"].tag[0].value == "1" &&
      aws_autoscaling_group_tag.pool["nb-gpu-t4/k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"].tag[0].value == "present:NoSchedule" &&
    aws_autoscaling_group_tag.pool["nb-gpu-t4/k8s.io/cluster-autoscaler/node-template/label/hub.jupyter.org/node-purpose"].tag[0].value == "user")
    error_message = "A GPU group's Auto Scaling group tells the autoscaler its GPUs, taints and labels, so it can scale from zero."
  }
  assert {
    condition     = aws_autoscaling_group_tag.pool["nb-small/k8s.io/cluster-autoscaler/node-template/label/eks.amazonaws.com/nodegroup"].tag[0].value == "nb-small"
    error_message = "The node-template tags include the label profiles select groups with."
  }
  assert {
    condition     = alltrue([for t in aws_autoscaling_group_tag.pool : t.tag[0].propagate_at_launch])
    error_message = "The tags reach the instances, so EC2 costs split per community."
  }

  # The pool map for hub profiles, in modules/gke's shape.
  assert {
    condition     = output.node_pools["nb-gpu-t4"].gpu == { type = "nvidia-tesla-t4", count = 1 } && output.node_pools["nb-gpu-t4"].node_selector == { "eks.amazonaws.com/nodegroup" = "nb-gpu-t4" }
    error_message = "node_pools tells hub profiles what each group offers and how to select it."
  }
  assert {
    condition     = output.node_pools["core-pool"].kind == "core" && output.node_pools["dask-workers"].max == 50 && output.node_pools["nb-small"].gpu == null
    error_message = "node_pools lists every group with its kind and bounds."
  }
}
