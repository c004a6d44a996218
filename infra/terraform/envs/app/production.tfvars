environment       = "production"
region            = "ap-south-1"
github_repository = "your-org/hostel-mess"

# REPLACE every value in this block with your own before the first apply (docs/deploy-aws.md, "First apply").
# The IAM role(s) of the operators who administer the cluster (at least one; validated).
cluster_admin_arns = ["arn:aws:iam::111122223333:role/hostel-mess-operators"]
# Office/VPN egress and the deploy runners' egress (documentation ranges below; 0.0.0.0/0 is refused).
# An empty list keeps the API private: deploy from a self-hosted runner inside the VPC.
endpoint_public_access_cidrs = ["203.0.113.0/28"]
# The environment's public hosted zone and the app's host name in it (external-dns, cert-manager, Ingress).
dns_zone_name = "hostel.example.edu"
app_host      = "mess.hostel.example.edu"
acme_email    = "platform@hostel.example.edu"

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
