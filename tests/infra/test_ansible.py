"""Ansible under ansible/: the playbooks parse, ansible-lint (production profile) passes offline, the deploy
refuses a bad image tag before touching AWS, and the manifests role really renders each overlay with the ECR
images, the commit tag and the IRSA annotations (with kubectl kustomize, no cluster needed)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mess.config import Settings

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE = ROOT / "ansible"
INFRA_BIN = ROOT / ".venv-infra" / "bin"
ENVIRONMENTS = ("staging", "production")
ACCOUNT = "123456789012"
TAG = "0123456789abcdef0123456789abcdef01234567"
HOST = "mess.hostel.edu"


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    # ansible-playbook finds its siblings (ansible-galaxy, python) and kubectl on PATH.
    env["PATH"] = f"{INFRA_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_LOCAL_TEMP"] = str(tmp_path / "ansible-tmp")
    env["ANSIBLE_HOME"] = str(tmp_path / "ansible-home")
    env["HOME"] = str(tmp_path)
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def _run(cmd: list[str], tmp_path: Path, cwd: Path = ANSIBLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=_env(tmp_path), capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("playbook", ["site.yml", "platform.yml"])
def test_syntax_check(tool, tmp_path: Path, environment: str, playbook: str) -> None:
    result = _run([tool("ansible-playbook"), "--syntax-check", "-i", f"inventories/{environment}", playbook], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ansible_lint(tool, tmp_path: Path) -> None:
    result = _run([tool("ansible-lint"), "--offline", "--nocolor", "--profile", "production"], tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


def test_deploy_refuses_a_bad_image_tag(tool, tmp_path: Path) -> None:
    result = _run(
        [
            tool("ansible-playbook"),
            "-i",
            "inventories/staging",
            "site.yml",
            "-e",
            json.dumps({"mess_image_tag": "not a tag;"}),
        ],
        tmp_path,
    )
    assert result.returncode != 0
    assert "Pass the image tag" in result.stdout
    # It stopped at the input check: no AWS or kubectl call ran.
    assert "get-caller-identity" not in result.stdout


def test_deploy_refuses_a_placeholder_host(tool, tmp_path: Path) -> None:
    """The inventories carry example.* hosts until an operator sets Terraform's app_host: no deploy before that."""
    result = _run(
        [tool("ansible-playbook"), "-i", "inventories/production", "site.yml", "-e", f"mess_image_tag={TAG}"], tmp_path
    )
    assert result.returncode != 0
    assert "is a placeholder" in result.stdout
    assert "get-caller-identity" not in result.stdout


def _render(tool, tmp_path: Path, environment: str) -> dict[str, list[dict[str, Any]]]:
    tool("kubectl")  # the role renders with `kubectl kustomize`
    out = tmp_path / "rendered.json"
    playbook = tmp_path / "render.yml"
    playbook.write_text(
        f"""
- name: Render the deploy manifests only
  hosts: cluster
  gather_facts: false
  vars_files:
    - {ANSIBLE / "group_vars" / "all.yml"}
  roles:
    - role: manifests
  post_tasks:
    - name: Save the split manifests
      ansible.builtin.copy:
        dest: {out}
        mode: "0600"
        content: >-
          {{{{ {{'namespace': manifests_namespace, 'prerequisites': manifests_prerequisites,
               'migration': manifests_migration, 'workloads': manifests_workloads}} | to_json }}}}
"""
    )
    env = _env(tmp_path)
    env["ANSIBLE_ROLES_PATH"] = str(ANSIBLE / "roles")
    result = subprocess.run(
        [
            tool("ansible-playbook"),
            "-i",
            str(ANSIBLE / "inventories" / environment),
            str(playbook),
            "-e",
            f"mess_image_tag={TAG}",
            "-e",
            f"kubeconfig_account_id={ACCOUNT}",
            "-e",
            f"mess_repo_root={ROOT}",
            "-e",
            f"mess_host={HOST}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    data: dict[str, list[dict[str, Any]]] = json.loads(out.read_text())
    return data


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_manifests_role_renders_the_overlay_for_the_deploy(tool, tmp_path: Path, environment: str) -> None:
    overlay = ROOT / "k8s" / "overlays" / environment / "kustomization.yaml"
    before = overlay.read_bytes()
    rendered = _render(tool, tmp_path, environment)
    assert overlay.read_bytes() == before, "the deploy must not edit the checked-out overlay"

    namespace = f"mess-{environment}"
    assert [n["metadata"]["name"] for n in rendered["namespace"]] == [namespace]
    assert [j["metadata"]["name"] for j in rendered["migration"]] == ["mess-migrate"]
    assert {o["kind"] for o in rendered["prerequisites"]} >= {"ConfigMap", "ServiceAccount", "ExternalSecret"}
    assert not {o["kind"] for o in rendered["workloads"]} & {"Namespace", "ConfigMap", "ServiceAccount", "Job"}

    registry = f"{ACCOUNT}.dkr.ecr.ap-south-1.amazonaws.com"
    pods = [*rendered["migration"], *(o for o in rendered["workloads"] if o["kind"] == "Deployment")]
    deployments = {o["metadata"]["name"] for o in rendered["workloads"] if o["kind"] == "Deployment"}
    assert deployments >= {"mess-web", "mess-worker", "mess-beat", "mess-analytics"}
    pods = [p for p in pods if not p["metadata"]["name"].endswith("-exporter")]
    for pod in pods:
        for container in pod["spec"]["template"]["spec"]["containers"]:
            image = container["image"]
            expected = "hostel-mess-analytics" if pod["metadata"]["name"] == "mess-analytics" else "hostel-mess"
            assert image == f"{registry}/{expected}:{TAG}", f"{pod['metadata']['name']}: {image}"

    accounts = {o["metadata"]["name"]: o for o in rendered["prerequisites"] if o["kind"] == "ServiceAccount"}
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/hostel-mess-{environment}-secrets-reader"
    assert accounts["mess-external-secrets"]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == role_arn
    # No app pod carries an AWS role.
    assert not accounts["mess"]["metadata"].get("annotations")
    ingress = next(o for o in rendered["workloads"] if o["kind"] == "Ingress")
    assert ingress["spec"]["rules"][0]["host"] == HOST and ingress["spec"]["tls"][0]["hosts"] == [HOST]

    # The deploy's settings merge into the base's ConfigMap, which every pod still references by its hashed name.
    (config,) = [
        o for o in rendered["prerequisites"] if o["kind"] == "ConfigMap" and "mess-config" in o["metadata"]["name"]
    ]
    data = config["data"]
    assert data["MESS_PUBLIC_URL"] == f"https://{HOST}"
    assert (data["MESS_NOTIFIER"], data["MESS_SMTP_HOST"]) == ("smtp", "email-smtp.ap-south-1.amazonaws.com")
    assert data["MESS_ENVIRONMENT"] == "production" and "MESS_OIDC_ISSUER" not in data  # base kept; SSO off
    fields = {f"MESS_{f.upper()}": f for f in Settings.model_fields}
    settings = Settings(**{fields[k]: v for k, v in data.items() if k in fields}, secret_key="x" * 40)
    assert (settings.smtp_port, settings.smtp_security) == (587, "starttls")
    referenced = {
        source["configMapRef"]["name"]
        for pod in pods
        for container in pod["spec"]["template"]["spec"]["containers"]
        for source in container.get("envFrom", [])
        if "configMapRef" in source
    }
    assert referenced == {config["metadata"]["name"]}
