# A community's cluster on EKS: an ingress controller behind one load
# balancer, Let's Encrypt certificates, Prometheus keeping 30 days of
# samples, Grafana with the JupyterHub dashboard at grafana.example.org, and
# the cluster-autoscaler with its IAM role.
resource "twoi2chub_cluster_support" "this" {
  namespace = "support"

  ingress_nginx = {
    replicas = 2
    service_annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-type" = "nlb"
    }
  }

  cert_manager = {
    acme_email = "it@example.org"
  }

  prometheus = {
    retention    = "30d"
    storage_size = "100Gi"
  }

  grafana = {
    domain = "grafana.example.org"
    tls    = true
  }

  cluster_autoscaler = {
    cluster_name = "community"
    region       = "us-west-2"
    service_account_annotations = {
      "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/community-autoscaler"
    }
  }
}

# Point the hubs' and Grafana's DNS records at this address.
output "ingress_address" {
  description = "Public address of the cluster's ingress load balancer."
  value       = twoi2chub_cluster_support.this.ingress_address
}
