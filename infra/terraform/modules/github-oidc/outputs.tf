output "provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider."
  value       = aws_iam_openid_connect_provider.github.arn
}

output "image_push_role_arn" {
  description = "Role the CD workflow assumes to push images (repository secret AWS_IMAGE_PUSH_ROLE_ARN)."
  value       = aws_iam_role.image_push.arn
}
