variable "repositories" {
  description = "Repository names, one per image (the Dockerfile targets app and analytics)."
  type        = list(string)
  default     = ["hostel-mess", "hostel-mess-analytics"]
}

variable "environments" {
  description = "Environments whose deployed images (tag prefix <environment>-) are kept."
  type        = list(string)
  default     = ["production", "staging"]
}

variable "keep_deployed_images" {
  description = "Deployed images kept per environment (rollback depth); the one running is always among them."
  type        = number
  default     = 30
}

variable "keep_tagged_images" {
  description = "Never-deployed commit builds kept per repository."
  type        = number
  default     = 50
}

variable "untagged_expiry_days" {
  description = "Days before untagged images (build leftovers) expire."
  type        = number
  default     = 7
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
