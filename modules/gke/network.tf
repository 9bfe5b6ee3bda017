# The VPC: created here, or an existing one (often a Shared VPC an institution's
# network team owns), referred to by name.

locals {
  network_project = coalesce(var.network.project, var.project_id)
  network_name    = coalesce(var.network.name, var.name)

  network_self_link = var.network.create ? google_compute_network.this[0].self_link : (
    "projects/${local.network_project}/global/networks/${var.network.name}"
  )
  subnetwork_self_link = var.network.create ? google_compute_subnetwork.this[0].self_link : (
    "projects/${local.network_project}/regions/${var.region}/subnetworks/${var.network.subnetwork}"
  )
  pods_range_name     = var.network.create ? "pods" : var.network.pods_range_name
  services_range_name = var.network.create ? "services" : var.network.services_range_name
}

resource "google_compute_network" "this" {
  count                   = var.network.create ? 1 : 0
  project                 = var.project_id
  name                    = local.network_name
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "this" {
  count         = var.network.create ? 1 : 0
  project       = var.project_id
  name          = local.network_name
  region        = var.region
  network       = google_compute_network.this[0].id
  ip_cidr_range = var.network.subnet_cidr
  # Private nodes reach Google APIs (Artifact Registry, Storage) without NAT.
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.network.pods_cidr
  }
  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = var.network.services_cidr
  }
}

# Outbound access for private nodes (image pulls from registries outside Google).
resource "google_compute_router" "this" {
  count   = var.network.create && var.private_nodes ? 1 : 0
  project = var.project_id
  name    = local.network_name
  region  = var.region
  network = google_compute_network.this[0].id
}

resource "google_compute_router_nat" "this" {
  count                              = var.network.create && var.private_nodes ? 1 : 0
  project                            = var.project_id
  name                               = local.network_name
  region                             = var.region
  router                             = google_compute_router.this[0].name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}
