environment       = "production"
region            = "ap-south-1"
github_repository = "your-org/hostel-mess"

# Restrict to your office/VPN ranges if deploys run from self-hosted runners.
endpoint_public_access_cidrs = ["0.0.0.0/0"]
cluster_admin_arns           = []

vpc_cidr           = "10.30.0.0/16"
azs                = ["ap-south-1a", "ap-south-1b", "ap-south-1c"]
single_nat_gateway = false

node_instance_types = ["m6i.large", "m6a.large"]
node_capacity_type  = "ON_DEMAND"
node_min_size       = 3
node_max_size       = 9
node_desired_size   = 3

db_instance_class        = "db.m6g.large"
db_multi_az              = true
db_allocated_storage_gb  = 100
db_backup_retention_days = 30

redis_node_type = "cache.m6g.large"
redis_replicas  = 1
