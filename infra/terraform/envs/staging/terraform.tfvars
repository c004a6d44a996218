environment       = "staging"
region            = "ap-south-1"
github_repository = "your-org/hostel-mess"

# Restrict to your office/VPN ranges if deploys run from self-hosted runners.
endpoint_public_access_cidrs = ["0.0.0.0/0"]
cluster_admin_arns           = []

vpc_cidr           = "10.20.0.0/16"
azs                = ["ap-south-1a", "ap-south-1b", "ap-south-1c"]
single_nat_gateway = true

node_instance_types = ["t3.large", "t3a.large"]
node_capacity_type  = "SPOT"
node_min_size       = 1
node_max_size       = 3
node_desired_size   = 2

db_instance_class        = "db.t4g.small"
db_multi_az              = false
db_allocated_storage_gb  = 20
db_backup_retention_days = 7

redis_node_type = "cache.t4g.micro"
redis_replicas  = 0
