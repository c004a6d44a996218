variable "name" {
  description = "Replication group id, e.g. hostel-mess-staging."
  type        = string
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "replicas" {
  description = "Read replicas besides the primary; 1 or more enables automatic failover and Multi-AZ."
  type        = number
  default     = 0
}

variable "snapshot_retention_days" {
  description = "Daily snapshot retention (0 disables)."
  type        = number
  default     = 3
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_group_name" {
  description = "ElastiCache subnet group."
  type        = string
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 6379 (the EKS nodes)."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
