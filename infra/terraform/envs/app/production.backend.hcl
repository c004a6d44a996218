key            = "production/terraform.tfstate"
region         = "ap-south-1"
dynamodb_table = "hostel-mess-tflock"
encrypt        = true
