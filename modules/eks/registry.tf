# The community's image repositories in ECR: nodes pull with their role's
# AmazonEC2ContainerRegistryReadOnly, and twoi2chub_user_image build Jobs push
# as an IAM role they assume through IRSA (no access key exists to leak).

locals {
  registry_enabled = var.image_registry != null
  images           = local.registry_enabled ? toset(var.image_registry.images) : toset([])
  # <account>.dkr.ecr.<region>.amazonaws.com, from a repository's URL.
  registry_host = local.registry_enabled && length(local.images) > 0 ? split("/", values(aws_ecr_repository.images)[0].repository_url)[0] : null
}

resource "aws_ecr_repository" "images" {
  for_each             = local.images
  name                 = "${var.image_registry.prefix}/${each.value}"
  image_tag_mutability = "MUTABLE"
  # Rebuilt images are disposable: their source is the community's repository.
  force_delete = true
  tags         = local.tags

  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "images" {
  for_each   = local.registry_enabled && try(var.image_registry.delete_untagged_after_days, 0) > 0 ? local.images : toset([])
  repository = aws_ecr_repository.images[each.value].name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Expire untagged images after ${var.image_registry.delete_untagged_after_days} days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = var.image_registry.delete_untagged_after_days
      }
      action = { type = "expire" }
    }]
  })
}

resource "aws_iam_role" "builder" {
  count              = local.registry_enabled ? 1 : 0
  name               = "${var.name}-builder"
  description        = "User image builds on EKS cluster ${var.name}"
  assume_role_policy = local.irsa_trust["builder"]
  tags               = local.tags
}

resource "aws_iam_role_policy" "builder_push" {
  count = local.registry_enabled ? 1 : 0
  name  = "push-user-images"
  role  = aws_iam_role.builder[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      {
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
        ]
        Resource = [for r in aws_ecr_repository.images : r.arn]
      },
    ]
  })
}
