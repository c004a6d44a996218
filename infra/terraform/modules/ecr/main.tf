resource "aws_kms_key" "ecr" {
  description             = "ECR image encryption for hostel-mess"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  tags                    = var.tags
}

resource "aws_ecr_repository" "this" {
  for_each = toset(var.repositories)

  name = each.value
  # Tags are commit SHAs: a tag always names the same image, so a rollback is exact.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.ecr.arn
  }

  tags = var.tags
}

# The CD workflow tags every image it deploys <environment>-<sha> (next to its <sha> tag). An image matched by a
# higher-priority rule can never be expired by a lower one, so rules 1-2 protect what the environments run, and
# their last keep_deployed_images releases (the rollback depth); only never-deployed builds age out.
resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = concat(
      [
        for i, environment in var.environments : {
          rulePriority = i + 1
          description  = "Keep the last ${var.keep_deployed_images} images deployed to ${environment}"
          selection = {
            tagStatus     = "tagged"
            tagPrefixList = ["${environment}-"]
            countType     = "imageCountMoreThan"
            countNumber   = var.keep_deployed_images
          }
          action = { type = "expire" }
        }
      ],
      [
        {
          rulePriority = length(var.environments) + 1
          description  = "Expire untagged images (build leftovers)"
          selection = {
            tagStatus   = "untagged"
            countType   = "sinceImagePushed"
            countUnit   = "days"
            countNumber = var.untagged_expiry_days
          }
          action = { type = "expire" }
        },
        {
          rulePriority = length(var.environments) + 2
          description  = "Expire builds that were never deployed, beyond the most recent ones"
          selection = {
            tagStatus   = "any"
            countType   = "imageCountMoreThan"
            countNumber = var.keep_tagged_images
          }
          action = { type = "expire" }
        },
      ]
    )
  })
}
