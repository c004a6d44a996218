output "app_role_arn" {
  description = "IRSA role for the web/analytics service account (eks.amazonaws.com/role-arn annotation)."
  value       = aws_iam_role.irsa["app"].arn
}

output "worker_role_arn" {
  description = "IRSA role for the worker/beat service account."
  value       = aws_iam_role.irsa["worker"].arn
}

output "deployer_role_arn" {
  description = "Role GitHub Actions assumes to deploy this environment (secret AWS_DEPLOY_ROLE_ARN of the environment)."
  value       = aws_iam_role.deployer.arn
}
