# The bootstrap root keeps its own state locally (see docs/deploy-aws.md): it creates the bucket
# and lock table every other root stores its state in.
terraform {
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.28"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "hostel-mess"
      ManagedBy = "terraform"
      Stack     = "bootstrap"
    }
  }
}
