variable "name" {
  description = "Secrets Manager name, e.g. hostel-mess/staging/app."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the environment's secrets, e.g. hostel-mess/staging (the alerting secret is <prefix>/alerting)."
  type        = string
}

variable "database_host" {
  description = "PostgreSQL host."
  type        = string
}

variable "database_port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "database_name" {
  description = "PostgreSQL database."
  type        = string
}

variable "database_username" {
  description = "PostgreSQL user."
  type        = string
}

variable "database_password" {
  description = "PostgreSQL password."
  type        = string
  sensitive   = true
}

variable "redis_host" {
  description = "Redis primary endpoint."
  type        = string
}

variable "redis_port" {
  description = "Redis port."
  type        = number
  default     = 6379
}

variable "redis_auth_token" {
  description = "Redis AUTH token."
  type        = string
  sensitive   = true
}

variable "extra_values" {
  description = "More secret settings, keyed as in the Kubernetes Secret mess-secrets (e.g. smtp-password, database-read-url)."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
