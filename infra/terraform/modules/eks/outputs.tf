output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_arn" {
  description = "EKS cluster ARN."
  value       = module.eks.cluster_arn
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA bundle of the API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider ARN for IRSA trust policies."
  value       = module.eks.oidc_provider_arn
}

output "oidc_provider" {
  description = "OIDC issuer host/path (without https://), the prefix of IRSA condition keys."
  value       = module.eks.oidc_provider
}

output "node_security_group_id" {
  description = "Security group of the nodes; databases allow ingress from it."
  value       = module.eks.node_security_group_id
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role for kube-system/cluster-autoscaler."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "load_balancer_controller_role_arn" {
  description = "IRSA role for kube-system/aws-load-balancer-controller."
  value       = module.load_balancer_controller_irsa.arn
}

output "external_dns_role_arn" {
  description = "IRSA role for external-dns/external-dns."
  value       = module.external_dns_irsa.arn
}
