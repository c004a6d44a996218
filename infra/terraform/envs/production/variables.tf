variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "ap-south-1"
}

variable "environment" {
  description = "staging or production; names the cluster (hostel-mess-<env>) and namespace (mess-<env>)."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose <environment> jobs may deploy."
  type        = string
}

variable "cluster_admin_arns" {
  description = "IAM roles of operators given cluster-admin (e.g. an SSO administrator role)."
  type        = list(string)
  default     = []
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs that may reach the EKS API (GitHub-hosted runners need a public endpoint; IAM still authenticates)."
  type        = list(string)
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.31"
}

variable "vpc_cidr" {
  description = "VPC CIDR."
  type        = string
}

variable "azs" {
  description = "Three availability zones of the region."
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper, loses egress if that AZ fails)."
  type        = bool
}

variable "node_instance_types" {
  description = "EKS node instance types."
  type        = list(string)
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT nodes."
  type        = string
  default     = "ON_DEMAND"
}

variable "node_min_size" {
  description = "Minimum nodes."
  type        = number
}

variable "node_max_size" {
  description = "Maximum nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Initial nodes."
  type        = number
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "db_multi_az" {
  description = "RDS Multi-AZ standby."
  type        = bool
}

variable "db_allocated_storage_gb" {
  description = "Initial RDS storage."
  type        = number
  default     = 50
}

variable "db_backup_retention_days" {
  description = "RDS backup retention."
  type        = number
}

variable "db_deletion_protection" {
  description = "RDS deletion protection."
  type        = bool
  default     = true
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
}

variable "redis_replicas" {
  description = "ElastiCache replicas (>= 1 enables failover)."
  type        = number
}

variable "ses_identity_arn" {
  description = "SES identity the worker may send mail from (null: no SES access)."
  type        = string
  default     = null
}

variable "smtp_settings" {
  description = "Optional secret settings stored with the app secret, keyed as in mess-secrets (e.g. smtp-password)."
  type        = map(string)
  default     = {}
  sensitive   = true
}
