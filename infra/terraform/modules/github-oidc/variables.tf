variable "github_repository" {
  description = "owner/name of the GitHub repository whose main branch pushes images."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "push_branch" {
  description = "Branch whose workflow runs may push images."
  type        = string
  default     = "main"
}

variable "ecr_repository_arns" {
  description = "Repositories the CI role may push to."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
