# What provider.tf connects with; in a real configuration these are
# attributes of the cluster resource or outputs of the cluster module.
variable "cluster_endpoint" {
  type        = string
  description = "The cluster API server's address, without https://."
}

variable "cluster_ca_certificate" {
  type        = string
  description = "The cluster's CA certificate, base64-encoded PEM."
}

variable "project_id" {
  type        = string
  description = "The Google Cloud project of the GKE cluster."
}
