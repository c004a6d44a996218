data "aws_region" "current" {}

# --- IRSA: the External Secrets store of the app namespace reads the app secret ------------------
# The SecretStore (k8s/base/external-secrets.yaml) authenticates as the service account below; External Secrets
# copies the secret into mess-secrets and refreshes it, so a rotated value needs no deploy. No app pod has an AWS
# role: none calls an AWS API (mail goes out over SMTP, SES SMTP credentials included).

data "aws_iam_policy_document" "secrets_reader_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.eks_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.eks_oidc_provider}:sub"
      # The app namespace's store, and the monitoring namespace's store of Alertmanager's receivers.
      values = [
        "system:serviceaccount:${var.namespace}:${var.secrets_reader_service_account}",
        "system:serviceaccount:monitoring:alertmanager-secrets",
      ]
    }

    condition {
      test     = "StringEquals"
      variable = "${var.eks_oidc_provider}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "secrets_reader" {
  name                 = "${var.name_prefix}-secrets-reader"
  description          = "IRSA role of ${var.namespace}/${var.secrets_reader_service_account} (External Secrets)"
  assume_role_policy   = data.aws_iam_policy_document.secrets_reader_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

# Its own secret only; nothing else in the account is readable.
data "aws_iam_policy_document" "read_app_secret" {
  statement {
    sid       = "ReadAppSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [var.app_secret_arn, var.alerting_secret_arn]
  }

  statement {
    sid       = "DecryptThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "secrets_reader" {
  name   = "read-app-secret"
  role   = aws_iam_role.secrets_reader.id
  policy = data.aws_iam_policy_document.read_app_secret.json
}

# --- CI deployer: GitHub Actions jobs of one environment of one repository ------------------

data "aws_iam_policy_document" "deployer_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Only jobs that declare `environment: <github_environment>` get this sub; production's
    # environment requires a reviewer's approval in GitHub.
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:environment:${var.github_environment}"]
    }
  }
}

resource "aws_iam_role" "deployer" {
  name                 = "${var.name_prefix}-deployer"
  description          = "GitHub Actions deploys to ${var.namespace}"
  assume_role_policy   = data.aws_iam_policy_document.deployer_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

# The deployer renders and applies manifests; it never reads the app secret (External Secrets does).
data "aws_iam_policy_document" "deployer" {
  statement {
    sid       = "Kubeconfig"
    actions   = ["eks:DescribeCluster"]
    resources = [var.cluster_arn]
  }

  # Before it deploys an image the deploy tags it <environment>-<sha>: the ECR lifecycle keeps those.
  statement {
    sid       = "TagDeployedImages"
    actions   = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:PutImage"]
    resources = var.ecr_repository_arns
  }

  statement {
    sid       = "WhoAmI"
    actions   = ["sts:GetCallerIdentity"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "deployer" {
  name   = "deploy"
  role   = aws_iam_role.deployer.id
  policy = data.aws_iam_policy_document.deployer.json
}
