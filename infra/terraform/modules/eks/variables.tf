variable "cluster_name" {
  description = "EKS cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes (infra/versions.yml)."
  type        = string
}

variable "vpc_id" {
  description = "VPC for the cluster."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for the control plane ENIs and the nodes."
  type        = list(string)
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint (CI runners, operators). Empty keeps the endpoint private."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the general node group (first one preferred)."
  type        = list(string)
  default     = ["t3.large"]
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_min_size" {
  description = "Minimum nodes (the cluster autoscaler never goes below)."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum nodes (the cluster autoscaler never goes above)."
  type        = number
  default     = 6
}

variable "node_desired_size" {
  description = "Initial node count; afterwards owned by the cluster autoscaler."
  type        = number
  default     = 2
}

variable "node_disk_size_gb" {
  description = "Root volume size of each node."
  type        = number
  default     = 50
}

variable "cluster_admin_arns" {
  description = "IAM principals (roles of operators) given cluster-admin through EKS access entries."
  type        = list(string)
  default     = []
}

variable "deployer_role_arn" {
  description = "CI deployer role; gets namespace-scoped admin in app_namespace and the mess-deployers group."
  type        = string
}

variable "app_namespace" {
  description = "Namespace the application is deployed to (mess-staging or mess-production)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of control plane logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "dns_zone_arn" {
  description = "Route 53 hosted zone external-dns may write the app's records in."
  type        = string
}
