terraform {
  # optional() attribute defaults need 1.3; `terraform test` with plan-time
  # assertions and expect_failures needs 1.6 (OpenTofu 1.6 likewise).
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Checked against main after 6.48.0; aws_eks_cluster's
      # deletion_protection needs 6.x.
      version = ">= 6.48, < 7.0"
    }
  }
}
