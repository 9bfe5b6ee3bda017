terraform {
  # The OAuth client secret is a write-only argument: Terraform 1.11+ or
  # OpenTofu 1.11+ passes it to the provider without storing it anywhere.
  required_version = ">= 1.11"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 5.2, < 6.0"
    }
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}
