output "ecr_repository_urls" {
  description = "Image repositories by name."
  value       = module.ecr.repository_urls
}

output "ecr_registry" {
  description = "Registry host for docker login and image names."
  value       = "${module.ecr.registry_id}.dkr.ecr.${var.region}.amazonaws.com"
}

output "github_oidc_provider_arn" {
  description = "GitHub Actions OIDC provider."
  value       = module.github_oidc.provider_arn
}

output "image_push_role_arn" {
  description = "Set as repository secret AWS_IMAGE_PUSH_ROLE_ARN."
  value       = module.github_oidc.image_push_role_arn
}
