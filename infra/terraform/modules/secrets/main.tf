resource "aws_kms_key" "secrets" {
  description             = "Secrets Manager key for ${var.name}"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  tags                    = var.tags
}

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  name                    = var.name
  description             = "hostel-mess runtime secrets; keys are the keys of the Kubernetes Secret mess-secrets"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}

locals {
  # asyncpg takes ssl=require; rds.force_ssl refuses plain connections anyway.
  database_url = "postgresql+asyncpg://${var.database_username}:${var.database_password}@${var.database_host}:${var.database_port}/${var.database_name}?ssl=require"
  # rediss:// is TLS (ElastiCache transit encryption); Celery/redis-py need ssl_cert_reqs in the URL.
  redis_url = "rediss://:${var.redis_auth_token}@${var.redis_host}:${var.redis_port}/0?ssl_cert_reqs=required"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode(merge(var.extra_values, {
    "database-url" = local.database_url
    "redis-url"    = local.redis_url
    "secret-key"   = random_password.secret_key.result
  }))
}

# Alertmanager's receivers (keys slack-webhook-url, smtp-password): the operator puts the values in once
# (docs/monitoring.md); External Secrets copies them into monitoring/alertmanager-receivers.
resource "aws_secretsmanager_secret" "alerting" {
  name                    = "${var.name_prefix}/alerting"
  description             = "hostel-mess Alertmanager receiver credentials"
  kms_key_id              = aws_kms_key.secrets.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}
