output "state_bucket" {
  description = "Bucket name to pass as -backend-config=bucket=... to every other root."
  value       = aws_s3_bucket.state.id
}

output "lock_table" {
  description = "DynamoDB lock table name (backend dynamodb_table)."
  value       = aws_dynamodb_table.lock.name
}

output "state_kms_key_arn" {
  description = "KMS key encrypting state (backend kms_key_id)."
  value       = aws_kms_key.state.arn
}

output "region" {
  description = "Region of the state bucket."
  value       = var.region
}
