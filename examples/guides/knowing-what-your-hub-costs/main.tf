# Knowing what a hub costs and does: its namespace and pods labelled for the
# cloud's cost export, Prometheus and Grafana with the JupyterHub dashboard,
# and checks that warn at every plan about forgotten servers.
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

variable "kube_host" {
  type        = string
  description = "The cluster's API server, e.g. a cluster module's endpoint output."
}

variable "kube_ca" {
  type        = string
  description = "The cluster's CA certificate (PEM)."
}

provider "twoi2chub" {
  kubernetes = {
    host                   = var.kube_host
    cluster_ca_certificate = var.kube_ca
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
    }
  }
}

# Prometheus (with kube-state-metrics exporting the hubs' labels) and Grafana
# with the dashboard "JupyterHub: users, servers and cost".
resource "twoi2chub_cluster_support" "this" {
  prometheus = { retention = "30d" }
  grafana    = {}
}

# Every pod of the hub and its namespace carry twoi2chub-hub = "hackweek",
# twoi2chub-community = "pangeo" and the cost_labels.
resource "twoi2chub_hub" "hackweek" {
  name        = "hackweek"
  namespace   = "hackweek"
  community   = "pangeo"
  cost_labels = { cost-center = "geo-101", funder = "nsf" }
}

data "twoi2chub_hub_activity" "hackweek" {
  namespace = twoi2chub_hub.hackweek.namespace
  hub_url   = twoi2chub_hub.hackweek.url
  max_age   = "12h"
}

# Warnings at every plan and apply, never errors: a check block does not stop
# anything, it says what to look at.
check "no_forgotten_servers" {
  assert {
    condition     = length(data.twoi2chub_hub_activity.hackweek.servers_past_max_age) == 0
    error_message = "Servers running for more than 12 hours (forgotten, or mining): ${join(", ", data.twoi2chub_hub_activity.hackweek.servers_past_max_age[*].name)}."
  }
}

check "servers_within_budget" {
  assert {
    condition     = data.twoi2chub_hub_activity.hackweek.running_servers <= 40
    error_message = "${data.twoi2chub_hub_activity.hackweek.running_servers} servers run on the hackweek hub; the budget plans for 40."
  }
}
