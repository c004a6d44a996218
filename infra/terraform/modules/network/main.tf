locals {
  azs = var.azs
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = var.name
  cidr = var.cidr
  azs  = local.azs

  # 10.x.0.0/20, /20, /20 for nodes and pods; small public, database and cache tiers.
  private_subnets     = [for i, _ in local.azs : cidrsubnet(var.cidr, 4, i)]
  public_subnets      = [for i, _ in local.azs : cidrsubnet(var.cidr, 8, 48 + i)]
  database_subnets    = [for i, _ in local.azs : cidrsubnet(var.cidr, 8, 56 + i)]
  elasticache_subnets = [for i, _ in local.azs : cidrsubnet(var.cidr, 8, 64 + i)]

  create_database_subnet_group           = true
  create_database_subnet_route_table     = true
  create_database_internet_gateway_route = false
  create_elasticache_subnet_group        = true

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway

  enable_dns_hostnames = true
  enable_dns_support   = true

  map_public_ip_on_launch = false

  # Nothing may use the default security group; the module strips its rules.
  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  enable_flow_log                                 = true
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_cloudwatch_log_group_retention_in_days = var.flow_log_retention_days
  flow_log_max_aggregation_interval               = 60

  public_subnet_tags = {
    "kubernetes.io/role/elb"                    = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  }

  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"           = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  }

  tags = var.tags
}
