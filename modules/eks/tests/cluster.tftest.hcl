# The cluster, its network (created, private, or existing), the IAM roles of
# the control plane, nodes and IRSA, and the outputs the provider connects with.

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
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.name == "hackweek" && aws_eks_cluster.this.deletion_protection
    error_message = "The cluster is named name and refuses deletion by default."
  }
  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions
    error_message = "Access entries, not the aws-auth ConfigMap, and the creator is admin."
  }
  assert {
    condition     = aws_eks_cluster.this.tags["twoi2chub-community"] == "pangeo-hackweek" && aws_eks_cluster.this.tags["twoi2chub-cluster"] == "hackweek"
    error_message = "The cluster carries the community's cost allocation tags."
  }
  assert {
    condition     = aws_vpc.this[0].cidr_block == "10.0.0.0/16" && toset(keys(aws_subnet.public)) == toset(["us-west-2a", "us-west-2b"])
    error_message = "A VPC with public subnets in zone and a second zone, as EKS needs two."
  }
  assert {
    condition     = aws_subnet.public["us-west-2a"].cidr_block == "10.0.0.0/20" && aws_subnet.public["us-west-2a"].map_public_ip_on_launch && aws_subnet.public["us-west-2b"].tags["kubernetes.io/role/elb"] == "1"
    error_message = "Public subnets carve /20s out of the VPC and are tagged for load balancers."
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_subnet.private) == 0
    error_message = "No NAT gateway (about 35 USD a month) unless nodes are private."
  }
  assert {
    condition     = aws_iam_role.cluster[0].name == "hackweek-cluster" && aws_iam_role_policy_attachment.cluster[0].policy_arn == "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    error_message = "The control plane's role has AmazonEKSClusterPolicy."
  }
  assert {
    condition = toset([for a in aws_iam_role_policy_attachment.nodes : a.policy_arn]) == toset([
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ])
    error_message = "Nodes get what they need to join, run the CNI and pull images, nothing else."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider lets ServiceAccounts assume roles (IRSA)."
  }
  assert {
    condition     = aws_eks_addon.ebs_csi.addon_name == "aws-ebs-csi-driver" && jsondecode(aws_eks_addon.ebs_csi.configuration_values).defaultStorageClass.enabled
    error_message = "The EBS CSI driver is installed with a default StorageClass (hub databases, per-user homes)."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.ebs_csi.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    error_message = "The EBS CSI driver's IRSA role has AmazonEBSCSIDriverPolicy."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.autoscaler.policy).Statement[1].Condition.StringEquals["aws:ResourceTag/k8s.io/cluster-autoscaler/hackweek"] == "owned"
    error_message = "The cluster-autoscaler may resize only this cluster's groups."
  }
  assert {
    condition     = contains(jsondecode(aws_iam_role_policy.autoscaler.policy).Statement[0].Action, "eks:DescribeNodegroup")
    error_message = "The cluster-autoscaler may read node groups' labels and taints (scaling from zero)."
  }
  assert {
    condition     = output.cluster_autoscaler.cluster_name == "hackweek" && output.cluster_autoscaler.region == "us-west-2" && output.cluster_autoscaler.cloud_provider == "aws"
    error_message = "cluster_autoscaler gives the cluster support services what the autoscaler needs."
  }
  assert {
    condition = output.exec == {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", "hackweek", "--region", "us-west-2", "--output", "json"]
    }
    error_message = "exec runs aws eks get-token for this cluster."
  }
  assert {
    condition     = output.get_credentials_command == "aws eks update-kubeconfig --name hackweek --region us-west-2"
    error_message = "kubectl access is one command away."
  }
  assert {
    condition     = output.location == "us-west-2" && output.home_storage == null && output.budget == null && output.efs_backup_plan == null
    error_message = "No EFS or budget unless asked."
  }
}

run "private_nodes" {
  command = plan
  variables {
    private_nodes     = true
    api_allowed_cidrs = ["203.0.113.0/24"]
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && aws_subnet.private["us-west-2a"].cidr_block == "10.0.128.0/20" && !aws_subnet.public["us-west-2a"].map_public_ip_on_launch
    error_message = "Private nodes get private subnets behind one NAT gateway."
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.0/24"])
    error_message = "api_allowed_cidrs limits who reaches the public API endpoint."
  }
}

run "existing_network_and_roles" {
  command = plan
  variables {
    network = {
      create          = false
      vpc_id          = "vpc-0abc123"
      subnet_ids      = ["subnet-0a1", "subnet-0b2"]
      node_subnet_ids = ["subnet-0a1"]
    }
    cluster_role_arn     = "arn:aws:iam::123456789012:role/eks-cluster"
    node_role_arn        = "arn:aws:iam::123456789012:role/eks-nodes"
    admin_principal_arns = ["arn:aws:iam::123456789012:role/hub-engineers"]
    k8s_versions         = { min_master_version = "1.33", notebook_nodes_version = "1.32" }
    notebook_nodes       = { small = { machine_type = "r5.xlarge" } }
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && aws_eks_cluster.this.vpc_config[0].subnet_ids == toset(["subnet-0a1", "subnet-0b2"])
    error_message = "With create = false the cluster uses the given subnets and no network is created."
  }
  assert {
    condition     = aws_eks_node_group.pool["nb-small"].subnet_ids == toset(["subnet-0a1"]) && aws_eks_node_group.pool["nb-small"].node_role_arn == "arn:aws:iam::123456789012:role/eks-nodes"
    error_message = "Nodes run in node_subnet_ids as the given role."
  }
  assert {
    condition     = length(aws_iam_role.cluster) == 0 && length(aws_iam_role.nodes) == 0 && aws_eks_cluster.this.role_arn == "arn:aws:iam::123456789012:role/eks-cluster"
    error_message = "Given roles are used; none is created."
  }
  assert {
    condition     = aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/hub-engineers"].policy_arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    error_message = "admin_principal_arns become cluster admins through access entries."
  }
  assert {
    condition     = aws_eks_cluster.this.version == "1.33" && aws_eks_node_group.pool["nb-small"].version == "1.32"
    error_message = "k8s_versions pins the control plane and each kind of group."
  }
}
