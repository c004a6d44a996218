output "secret_arn" {
  description = "ARN of the app secret."
  value       = aws_secretsmanager_secret.app.arn
}

output "secret_name" {
  description = "Name of the app secret (Ansible reads it into the Kubernetes Secret)."
  value       = aws_secretsmanager_secret.app.name
}

output "kms_key_arn" {
  description = "Key that encrypts the secret; readers need kms:Decrypt through Secrets Manager."
  value       = aws_kms_key.secrets.arn
}

output "secret_keys" {
  description = "Keys present in the secret JSON."
  value       = sort(concat(keys(var.extra_values), ["database-url", "redis-url", "secret-key"]))
  sensitive   = true
}

output "alerting_secret_arn" {
  description = "ARN of the Alertmanager receivers secret."
  value       = aws_secretsmanager_secret.alerting.arn
}
