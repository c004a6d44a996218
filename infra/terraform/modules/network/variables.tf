variable "name" {
  description = "Name prefix for the VPC and its subnets, e.g. hostel-mess-staging."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block; subnets are carved from it (/20 private, /24 public, database and cache)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "azs" {
  description = "Availability zones to span, named explicitly so a new zone in the region never reshapes the subnets."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3
    error_message = "azs must list 2 or 3 zones (RDS Multi-AZ needs at least two)."
  }
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (cheaper, staging) instead of one per AZ (production)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "EKS cluster name, used to tag subnets for load balancer discovery."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Retention of VPC flow logs in CloudWatch."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
