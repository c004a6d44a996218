# Account-wide pieces used by both environments: one registry (an image is built once and
# promoted from staging to production by digest-stable tag) and the GitHub OIDC provider.

module "ecr" {
  source = "../../modules/ecr"

  repositories = ["hostel-mess", "hostel-mess-analytics"]
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  github_repository   = var.github_repository
  ecr_repository_arns = values(module.ecr.repository_arns)
}
