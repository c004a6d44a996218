# One root for both environments: `terraform init -backend-config=<env>.backend.hcl -backend-config="bucket=..."`
# then `terraform plan -var-file=<env>.tfvars` (docs/deploy-aws.md). Environments differ only in those two files.

locals {
  name      = "hostel-mess-${var.environment}"
  namespace = "mess-${var.environment}"
  tags = {
    Environment = var.environment
  }
}

# Created once per account by envs/shared.
data "aws_iam_openid_connect_provider" "github" {
  url = "https://token.actions.githubusercontent.com"
}

# The image repositories of envs/shared.
data "aws_ecr_repository" "images" {
  for_each = toset(["hostel-mess", "hostel-mess-analytics"])
  name     = each.value
}

# The environment's public zone (registered or delegated beforehand); external-dns writes app_host into it.
data "aws_route53_zone" "app" {
  name         = var.dns_zone_name
  private_zone = false
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr               = var.vpc_cidr
  azs                = var.azs
  single_nat_gateway = var.single_nat_gateway
  cluster_name       = local.name
  tags               = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = local.name
  kubernetes_version           = var.kubernetes_version
  vpc_id                       = module.network.vpc_id
  private_subnet_ids           = module.network.private_subnet_ids
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  node_instance_types          = var.node_instance_types
  node_capacity_type           = var.node_capacity_type
  node_min_size                = var.node_min_size
  node_max_size                = var.node_max_size
  node_desired_size            = var.node_desired_size
  cluster_admin_arns           = var.cluster_admin_arns
  deployer_role_arn            = module.iam.deployer_role_arn
  app_namespace                = local.namespace
  dns_zone_arn                 = data.aws_route53_zone.app.arn
  tags                         = local.tags
}

module "rds" {
  source = "../../modules/rds"

  identifier                 = local.name
  instance_class             = var.db_instance_class
  allocated_storage_gb       = var.db_allocated_storage_gb
  multi_az                   = var.db_multi_az
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.db_deletion_protection
  vpc_id                     = module.network.vpc_id
  db_subnet_group_name       = module.network.database_subnet_group_name
  allowed_security_group_ids = [module.eks.node_security_group_id]
  tags                       = local.tags
}

module "redis" {
  source = "../../modules/redis"

  name                       = local.name
  node_type                  = var.redis_node_type
  replicas                   = var.redis_replicas
  vpc_id                     = module.network.vpc_id
  subnet_group_name          = module.network.elasticache_subnet_group_name
  allowed_security_group_ids = [module.eks.node_security_group_id]
  tags                       = local.tags
}

module "secrets" {
  source = "../../modules/secrets"

  name              = "hostel-mess/${var.environment}/app"
  name_prefix       = "hostel-mess/${var.environment}"
  database_host     = module.rds.address
  database_port     = module.rds.port
  database_name     = module.rds.database_name
  database_username = module.rds.username
  database_password = module.rds.password
  redis_host        = module.redis.primary_endpoint
  redis_port        = module.redis.port
  redis_auth_token  = module.redis.auth_token
  extra_values      = var.smtp_settings
  tags              = local.tags
}

module "iam" {
  source = "../../modules/iam"

  name_prefix              = local.name
  namespace                = local.namespace
  eks_oidc_provider_arn    = module.eks.oidc_provider_arn
  eks_oidc_provider        = module.eks.oidc_provider
  cluster_arn              = module.eks.cluster_arn
  app_secret_arn           = module.secrets.secret_arn
  alerting_secret_arn      = module.secrets.alerting_secret_arn
  secrets_kms_key_arn      = module.secrets.kms_key_arn
  github_oidc_provider_arn = data.aws_iam_openid_connect_provider.github.arn
  github_repository        = var.github_repository
  github_environment       = var.environment
  ecr_repository_arns      = [for repo in data.aws_ecr_repository.images : repo.arn]
  tags                     = local.tags
}
