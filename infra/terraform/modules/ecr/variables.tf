variable "repositories" {
  description = "Repository names, one per image (the Dockerfile targets app and analytics)."
  type        = list(string)
  default     = ["hostel-mess", "hostel-mess-analytics"]
}

variable "keep_tagged_images" {
  description = "How many commit-tagged images to keep per repository (rollback depth)."
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
