output "address" {
  description = "Hostname of the primary."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Application database."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "password" {
  description = "Master password (only ever written to Secrets Manager)."
  value       = random_password.master.result
  sensitive   = true
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.rds.id
}

output "instance_arn" {
  description = "RDS instance ARN."
  value       = aws_db_instance.this.arn
}
