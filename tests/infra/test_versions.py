"""infra/versions.yml is the one place that states the platform's versions: the files that pin them agree with it,
and the pinned Kubernetes version is still inside its end of standard support date recorded there."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
VERSIONS: dict[str, Any] = yaml.safe_load((ROOT / "infra" / "versions.yml").read_text())


def support_problems(kubernetes: dict[str, Any], today: date) -> list[str]:
    """Why the pinned Kubernetes version must be upgraded now, as readable lines (empty when it is supported)."""
    problems = []
    end = kubernetes["end_of_standard_support"]
    if not isinstance(end, date):
        problems.append(f"end_of_standard_support must be a date, got {end!r}")
    elif today > end:
        problems.append(
            f"Kubernetes {kubernetes['version']} left EKS standard support on {end} (extended support costs extra "
            f"and ends {kubernetes['end_of_extended_support']}): upgrade it (infra/versions.yml)"
        )
    if not re.fullmatch(r"1\.\d+", str(kubernetes["version"])):
        problems.append(f"version must be a Kubernetes minor version like 1.35, got {kubernetes['version']!r}")
    return problems


def test_pinned_kubernetes_version_is_within_standard_support() -> None:
    assert support_problems(VERSIONS["kubernetes"], date.today()) == []


def test_the_support_check_fails_past_the_recorded_date() -> None:
    expired = {"version": "1.31", "end_of_standard_support": date(2025, 11, 26), "end_of_extended_support": "x"}
    assert "left EKS standard support on 2025-11-26" in support_problems(expired, date(2026, 11, 30))[0]
    current = dict(VERSIONS["kubernetes"])
    day_after = date.fromordinal(current["end_of_standard_support"].toordinal() + 1)
    assert support_problems(current, day_after), "the check must fire the day after the recorded date"


def test_terraform_pins_the_recorded_kubernetes_and_postgresql_versions() -> None:
    variables = (ROOT / "infra/terraform/envs/app/variables.tf").read_text()
    default = re.search(r'variable "kubernetes_version" \{.*?default\s*=\s*"([^"]+)"', variables, re.S)
    assert default and default.group(1) == VERSIONS["kubernetes"]["version"]
    for var_file in (ROOT / "infra/terraform/envs/app").glob("*.tfvars"):
        assert "kubernetes_version" not in var_file.read_text(), f"{var_file.name} overrides the version"
    rds = (ROOT / "infra/terraform/modules/rds/variables.tf").read_text()
    engine = re.search(r'variable "engine_version" \{.*?default\s*=\s*"([^"]+)"', rds, re.S)
    assert engine and engine.group(1) == VERSIONS["postgresql"]["rds_engine_major"]
    ci = (ROOT / ".github/workflows/ci.yml").read_text()
    assert f"image: postgres:{VERSIONS['postgresql']['rds_engine_major']}" in ci
    assert f'POSTGRES_MAJOR: "{VERSIONS["postgresql"]["rds_engine_major"]}"' in ci
    assert f'TERRAFORM_VERSION: "{VERSIONS["terraform"]["cli"]}"' in ci


def test_terraform_modules_and_providers_match() -> None:
    tf_text = "\n".join(p.read_text() for p in (ROOT / "infra/terraform").rglob("*.tf"))
    for source, version in VERSIONS["terraform"]["modules"].items():
        pins = re.findall(rf'source\s*=\s*"{re.escape(source)}[^"]*"\s*\n\s*version\s*=\s*"([^"]+)"', tf_text)
        assert pins and set(pins) == {version}, f"{source}: {pins} in the .tf files, {version} in versions.yml"
    roots = [ROOT / "infra/terraform" / r / "versions.tf" for r in ("bootstrap", "envs/shared", "envs/app")]
    for versions_tf in roots:
        assert f'version = "{VERSIONS["terraform"]["aws_provider"]}"' in versions_tf.read_text(), versions_tf


def test_platform_charts_match() -> None:
    platform = yaml.safe_load((ROOT / "ansible/roles/platform/defaults/main.yml").read_text())
    installed = {chart["chart"]: (str(chart["version"]), chart["repo"]) for chart in platform["platform_charts"]}
    recorded = {name: (str(spec["version"]), spec["repo"]) for name, spec in VERSIONS["charts"].items()}
    assert installed == recorded
    assert "ingress-nginx" not in installed, "ingress-nginx is retired"


def test_manifests_are_validated_against_the_pinned_kubernetes_version() -> None:
    text = (ROOT / "tests/infra/test_k8s.py").read_text()
    assert "KUBERNETES_VERSION = f\"{VERSIONS['kubernetes']['version']}.0\"" in text


def test_compose_uses_the_recorded_database_and_exporter_versions() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"image: postgres:{VERSIONS['postgresql']['rds_engine_major']}-bookworm" in compose
    for image, tag in VERSIONS["exporter_images"].items():
        assert f"image: {image.removeprefix('docker.io/')}:{tag}" in compose, image
    assert f"image: prom/blackbox-exporter:{VERSIONS['compose_blackbox_exporter']}" in compose


def test_compose_runs_the_log_and_trace_apps_of_the_pinned_charts() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    for chart, image in (("loki", "grafana/loki"), ("alloy", "grafana/alloy"), ("tempo", "grafana/tempo")):
        assert f"image: {image}:{VERSIONS['charts'][chart]['app']}" in compose, chart
