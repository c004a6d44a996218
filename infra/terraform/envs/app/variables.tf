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
  description = "IAM roles (or users) of operators given cluster-admin, e.g. the SSO administrator role. At least one: the creator of the cluster gets no access of its own."
  type        = list(string)

  validation {
    condition     = length(var.cluster_admin_arns) > 0
    error_message = "cluster_admin_arns needs at least one IAM role ARN, or nobody can reach the cluster after apply."
  }

  validation {
    condition     = alltrue([for arn in var.cluster_admin_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "cluster_admin_arns must be IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs that may reach the EKS API from outside the VPC (office/VPN, the deploy runners' egress). Empty: private endpoint only (deploy from a runner inside the VPC)."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.endpoint_public_access_cidrs : can(cidrhost(cidr, 0)) && !contains(["0.0.0.0/0", "::/0"], cidr)])
    error_message = "endpoint_public_access_cidrs must be real, narrow CIDRs: the API is never open to 0.0.0.0/0."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version; infra/versions.yml records it with its end of support date (tests/infra/test_versions.py)."
  type        = string
  default     = "1.35"
}

variable "dns_zone_name" {
  description = "Public Route 53 hosted zone of the environment, e.g. mess.hostel.edu (created or delegated beforehand)."
  type        = string
}

variable "app_host" {
  description = "Host name the app is served on (inside dns_zone_name); external-dns creates its record, cert-manager its certificate."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.app_host))
    error_message = "app_host must be a lower-case DNS name, e.g. mess.hostel.edu."
  }
}

variable "acme_email" {
  description = "Contact address of the Let's Encrypt account (expiry warnings)."
  type        = string
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
  description = "RDS automated backup retention in days: the point-in-time recovery window (1-35)."
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

variable "smtp_settings" {
  description = "Optional secret settings stored with the app secret, keyed as in mess-secrets (e.g. smtp-password)."
  type        = map(string)
  default     = {}
  sensitive   = true
}
