output "primary_endpoint" {
  description = "Hostname of the primary (writes and the Celery broker)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port (TLS)."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token" {
  description = "AUTH token (only ever written to Secrets Manager)."
  value       = random_password.auth_token.result
  sensitive   = true
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.redis.id
}
