terraform {
  # The oldest Terraform the test suite runs; OpenTofu 1.8 or later also works.
  required_version = ">= 1.8.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}
