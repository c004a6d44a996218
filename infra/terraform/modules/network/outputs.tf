output "vpc_id" {
  description = "VPC id."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "VPC CIDR block."
  value       = module.vpc.vpc_cidr_block
}

output "azs" {
  description = "Availability zones in use."
  value       = local.azs
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods)."
  value       = module.vpc.private_subnets
}

output "public_subnet_ids" {
  description = "Public subnets (load balancers, NAT gateways)."
  value       = module.vpc.public_subnets
}

output "database_subnet_group_name" {
  description = "RDS subnet group over the isolated database subnets."
  value       = module.vpc.database_subnet_group_name
}

output "elasticache_subnet_group_name" {
  description = "ElastiCache subnet group."
  value       = module.vpc.elasticache_subnet_group_name
}

output "nat_public_ips" {
  description = "Egress addresses of the NAT gateways (for allow-lists such as SMTP relays)."
  value       = module.vpc.nat_public_ips
}
