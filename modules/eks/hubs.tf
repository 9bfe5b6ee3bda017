# Per hub: an IAM role that the hub's user servers assume through IRSA, its S3
# buckets, and its access to other buckets (2i2c's hub_cloud_permissions and
# user_buckets).

locals {
  hubs = { for k, h in var.hubs : k => merge(h, {
    namespace = coalesce(h.namespace, k)
    tags      = merge(local.tags, { "twoi2chub-hub" = k })
  }) }

  buckets = merge(
    { for k, h in local.hubs : "${k}-scratch" => {
      hub               = k
      name              = "${var.bucket_name_prefix}-${k}-scratch"
      delete_after_days = h.scratch_delete_after_days
      protected         = false
    } if h.scratch_bucket },
    { for k, h in local.hubs : "${k}-persistent" => {
      hub               = k
      name              = "${var.bucket_name_prefix}-${k}-persistent"
      delete_after_days = null
      protected         = true
    } if h.persistent_bucket },
  )

  hub_role_arn = { for k, h in local.hubs : k => coalesce(h.iam_role_arn, try(aws_iam_role.hub[k].arn, null)) }
  # A role's name is the last part of its ARN (after any path).
  hub_role_name = { for k, h in local.hubs : k => h.iam_role_arn == null ? aws_iam_role.hub[k].name : element(split("/", h.iam_role_arn), length(split("/", h.iam_role_arn)) - 1) }

  # Which buckets each hub may read, and which it may also write.
  hub_buckets = { for k, h in local.hubs : k => {
    read_write = concat(
      [for b, v in local.buckets : aws_s3_bucket.hub[b].arn if v.hub == k],
      [for b, a in h.bucket_access : "arn:${local.partition}:s3:::${b}" if a == "read-write"],
    )
    read = [for b, a in h.bucket_access : "arn:${local.partition}:s3:::${b}" if a == "read"]
  } }
}

resource "aws_iam_role" "hub" {
  for_each           = { for k, h in local.hubs : k => h if h.iam_role_arn == null }
  name               = "${var.name}-${each.key}"
  description        = "Users of hub ${each.key} on EKS cluster ${var.name}"
  assume_role_policy = local.irsa_trust["hub-${each.key}"]
  tags               = each.value.tags
}

resource "aws_iam_role_policy" "hub_buckets" {
  for_each = { for k, b in local.hub_buckets : k => b if length(b.read_write) + length(b.read) > 0 }
  name     = "twoi2chub-${var.name}-buckets"
  role     = local.hub_role_name[each.key]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      length(each.value.read_write) == 0 ? [] : [{
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
        Resource = concat(each.value.read_write, [for b in each.value.read_write : "${b}/*"])
      }],
      length(each.value.read) == 0 ? [] : [{
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"]
        Resource = concat(each.value.read, [for b in each.value.read : "${b}/*"])
      }],
    )
  })
}

resource "aws_s3_bucket" "hub" {
  for_each = local.buckets
  bucket   = each.value.name
  tags     = local.hubs[each.value.hub].tags
  # Scratch is disposable by definition; persistent data needs emptying by hand.
  force_destroy = !each.value.protected
}

resource "aws_s3_bucket_public_access_block" "hub" {
  for_each                = local.buckets
  bucket                  = aws_s3_bucket.hub[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "scratch" {
  for_each = { for b, v in local.buckets : b => v if v.delete_after_days != null }
  bucket   = aws_s3_bucket.hub[each.key].id

  rule {
    id     = "delete-scratch"
    status = "Enabled"
    filter {}
    expiration {
      days = each.value.delete_after_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}
