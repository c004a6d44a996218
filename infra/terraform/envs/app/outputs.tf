# Everything kubectl and the Ansible inventory need (ansible/inventories/<env>/group_vars).

output "region" {
  description = "AWS region."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "kubeconfig_command" {
  description = "Writes a kubeconfig entry for this cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name} --alias ${module.eks.cluster_name}"
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "namespace" {
  description = "Kubernetes namespace of the app."
  value       = local.namespace
}

output "app_secret_name" {
  description = "Secrets Manager secret External Secrets copies into the Kubernetes Secret mess-secrets."
  value       = module.secrets.secret_name
}

output "secrets_reader_role_arn" {
  description = "IRSA role of the External Secrets service account mess-external-secrets."
  value       = module.iam.secrets_reader_role_arn
}

output "deployer_role_arn" {
  description = "Set as secret AWS_DEPLOY_ROLE_ARN of the GitHub environment of the same name."
  value       = module.iam.deployer_role_arn
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role for kube-system/cluster-autoscaler (used by the Ansible platform role)."
  value       = module.eks.cluster_autoscaler_role_arn
}

output "database_address" {
  description = "RDS endpoint (for operators; the app reads the URL from the secret)."
  value       = module.rds.address
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint."
  value       = module.redis.primary_endpoint
}

output "app_host" {
  description = "Host name of the app (Ingress, certificate, DNS record)."
  value       = var.app_host
}

output "ansible_extra_vars" {
  description = "JSON for ansible-playbook -e @file: the values the inventory cannot derive."
  value = jsonencode({
    aws_region                        = var.region
    eks_cluster_name                  = module.eks.cluster_name
    mess_namespace                    = local.namespace
    mess_app_secret_name              = module.secrets.secret_name
    mess_secrets_reader_role_arn      = module.iam.secrets_reader_role_arn
    mess_host                         = var.app_host
    mess_acme_email                   = var.acme_email
    cluster_autoscaler_role_arn       = module.eks.cluster_autoscaler_role_arn
    load_balancer_controller_role_arn = module.eks.load_balancer_controller_role_arn
    external_dns_role_arn             = module.eks.external_dns_role_arn
    external_dns_zone                 = var.dns_zone_name
    vpc_id                            = module.network.vpc_id
  })
}
