output "secrets_reader_role_arn" {
  description = "IRSA role of the External Secrets service account (eks.amazonaws.com/role-arn annotation)."
  value       = aws_iam_role.secrets_reader.arn
}

output "deployer_role_arn" {
  description = "Role GitHub Actions assumes to deploy this environment (secret AWS_DEPLOY_ROLE_ARN of the environment)."
  value       = aws_iam_role.deployer.arn
}
