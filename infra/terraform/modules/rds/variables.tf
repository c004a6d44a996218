variable "identifier" {
  description = "RDS instance identifier, e.g. hostel-mess-staging."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL MAJOR version (infra/versions.yml); RDS picks the minor and upgrades it in the maintenance window."
  type        = string
  default     = "17"

  # An exact minor goes stale (deprecated minors cannot be created) and, with auto minor upgrades on, makes the
  # next plan try to "downgrade" to it.
  validation {
    condition     = can(regex("^[0-9]+$", var.engine_version))
    error_message = "engine_version must be a major version only, e.g. \"17\"."
  }
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage."
  type        = number
  default     = 50
}

variable "max_allocated_storage_gb" {
  description = "Upper bound for storage autoscaling."
  type        = number
  default     = 200
}

variable "multi_az" {
  description = "Synchronous standby in a second AZ (production)."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Automated backup (point-in-time recovery) retention."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion of the instance (and take a final snapshot if it is ever deleted)."
  type        = bool
  default     = true
}

variable "database_name" {
  description = "Database created at launch."
  type        = string
  default     = "mess"
}

variable "master_username" {
  description = "Master user name; its password is generated and kept in Secrets Manager."
  type        = string
  default     = "mess"
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "db_subnet_group_name" {
  description = "Subnet group over the isolated database subnets."
  type        = string
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the EKS nodes)."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
