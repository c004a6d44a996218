output "repository_urls" {
  description = "Repository URLs by name (<account>.dkr.ecr.<region>.amazonaws.com/<name>)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARNs by name, for push/pull policies."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.arn }
}

output "registry_id" {
  description = "Registry (account) id."
  value       = one(distinct([for repo in aws_ecr_repository.this : repo.registry_id]))
}
