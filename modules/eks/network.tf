# The VPC: created here (public subnets in two zones, private ones behind a NAT
# gateway for private nodes), or an existing one, referred to by IDs.

locals {
  # EKS needs subnets in two zones; nodes stay in `zone` (EBS volumes are zonal).
  second_zone = endswith(var.zone, "a") ? "${var.region}b" : "${var.region}a"
  zones       = coalesce(var.network.zones, [var.zone, local.second_zone])

  vpc_id = var.network.create ? aws_vpc.this[0].id : var.network.vpc_id
  cluster_subnet_ids = var.network.create ? concat(
    [for z in local.zones : aws_subnet.public[z].id],
    var.private_nodes ? [for z in local.zones : aws_subnet.private[z].id] : [],
  ) : var.network.subnet_ids
  node_subnet_ids = var.network.create ? [var.private_nodes ? aws_subnet.private[var.zone].id : aws_subnet.public[var.zone].id] : (
    length(var.network.node_subnet_ids) > 0 ? var.network.node_subnet_ids : var.network.subnet_ids
  )
}

resource "aws_vpc" "this" {
  count                = var.network.create ? 1 : 0
  cidr_block           = var.network.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # EFS mount targets are reached by DNS name
  tags                 = merge(local.tags, { Name = var.name })
}

resource "aws_internet_gateway" "this" {
  count  = var.network.create ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  for_each                = var.network.create ? { for i, z in local.zones : z => i } : {}
  vpc_id                  = aws_vpc.this[0].id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.network.cidr, 4, each.value)
  map_public_ip_on_launch = !var.private_nodes
  # The AWS load balancer controller and the in-tree service controller put
  # internet-facing load balancers (the hub's proxy) in subnets tagged so.
  tags = merge(local.tags, { Name = "${var.name}-public-${each.key}", "kubernetes.io/role/elb" = "1" })
}

resource "aws_subnet" "private" {
  for_each          = var.network.create && var.private_nodes ? { for i, z in local.zones : z => i } : {}
  vpc_id            = aws_vpc.this[0].id
  availability_zone = each.key
  cidr_block        = cidrsubnet(var.network.cidr, 4, 8 + each.value)
  tags              = merge(local.tags, { Name = "${var.name}-private-${each.key}", "kubernetes.io/role/internal-elb" = "1" })
}

resource "aws_route_table" "public" {
  count  = var.network.create ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = "${var.name}-public" })

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public[0].id
}

# Outbound access for private nodes (image pulls, AWS APIs).
resource "aws_eip" "nat" {
  count  = var.network.create && var.private_nodes ? 1 : 0
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.name}-nat" })
}

resource "aws_nat_gateway" "this" {
  count         = var.network.create && var.private_nodes ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[var.zone].id
  tags          = merge(local.tags, { Name = var.name })
}

resource "aws_route_table" "private" {
  count  = var.network.create && var.private_nodes ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = "${var.name}-private" })

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[0].id
  }
}

resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[0].id
}
