terraform {
  required_version = ">= 1.9.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.28"
    }
  }

  # Partial configuration: bucket comes from the bootstrap output at init time
  #   terraform init -backend-config=backend.hcl -backend-config="bucket=<state bucket>"
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "hostel-mess"
      Environment = "shared"
      ManagedBy   = "terraform"
    }
  }
}
