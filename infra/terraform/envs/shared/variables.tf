variable "region" {
  description = "AWS region of the registry."
  type        = string
  default     = "ap-south-1"
}

variable "github_repository" {
  description = "owner/name of the GitHub repository that builds and deploys hostel-mess."
  type        = string
}
