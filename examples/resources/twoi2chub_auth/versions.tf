terraform {
  # client_secret_wo is write-only and the variable feeding it ephemeral:
  # Terraform 1.11+ or OpenTofu 1.11+ (client_secret_ref works on older ones).
  required_version = ">= 1.11.0"
  required_providers {
    twoi2chub = {
      source  = "2i2c-org/twoi2chub"
      version = "~> 0.1"
    }
  }
}
