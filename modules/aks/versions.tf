terraform {
  # optional() attribute defaults need 1.3; `terraform test` with plan-time
  # assertions and expect_failures needs 1.6 (OpenTofu 1.6 likewise);
  # plantimestamp() (the budget's first month) needs 1.5.
  required_version = ">= 1.6"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # Checked against main after 5.2.0: 5.x requires blocks 4.x did not
      # (node_provisioning_profile).
      version = ">= 5.2, < 6.0"
    }
  }
}
