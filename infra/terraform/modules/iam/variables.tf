variable "name_prefix" {
  description = "Prefix of the role names, e.g. hostel-mess-staging."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the app's service accounts."
  type        = string
}

variable "secrets_reader_service_account" {
  description = "Service account the External Secrets SecretStore of the namespace authenticates as."
  type        = string
  default     = "mess-external-secrets"
}

variable "eks_oidc_provider_arn" {
  description = "IAM OIDC provider of the EKS cluster (IRSA)."
  type        = string
}

variable "eks_oidc_provider" {
  description = "Issuer of the EKS OIDC provider without https:// (condition key prefix)."
  type        = string
}

variable "cluster_arn" {
  description = "EKS cluster the deployer may describe (for aws eks update-kubeconfig)."
  type        = string
}

variable "app_secret_arn" {
  description = "Secrets Manager secret holding the runtime settings."
  type        = string
}

variable "alerting_secret_arn" {
  description = "Secrets Manager secret of Alertmanager's receivers, read by monitoring/alertmanager-secrets."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key of that secret."
  type        = string
}

variable "github_oidc_provider_arn" {
  description = "IAM OIDC provider for token.actions.githubusercontent.com (created by envs/shared)."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_environment" {
  description = "GitHub Actions environment whose jobs may assume the deployer role (staging, production)."
  type        = string
}

variable "ecr_repository_arns" {
  description = "Image repositories (envs/shared) whose images the deployer tags <environment>-<sha> when it deploys them."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
