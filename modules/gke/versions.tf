terraform {
  # optional() attribute defaults need 1.3; `terraform test` with plan-time
  # assertions and expect_failures needs 1.6 (OpenTofu 1.6 likewise).
  required_version = ">= 1.6"

  required_providers {
    google = {
      source = "hashicorp/google"
      # Checked against main after 8.0.0; deletion_policy on data-bearing
      # resources needs 7.33 or later.
      version = ">= 8.0, < 9.0"
    }
  }
}
