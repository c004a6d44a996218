"""Render a Prometheus configuration that scrapes the app on loopback, for tests and local runs.

It is derived from the canonical infra/monitoring/prometheus/prometheus.yml so job names, metric paths and
probe settings stay the same; only the targets move to 127.0.0.1 and the rule files become absolute paths.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "infra" / "monitoring" / "prometheus"
CANONICAL_CONFIG = PROMETHEUS_DIR / "prometheus.yml"


def render_loopback_config(
    *,
    web_port: int | None = 8000,
    worker_port: int | None = 9808,
    beat_port: int | None = 9809,
    analytics_port: int | None = None,
    blackbox_port: int | None = None,
    redis_exporter_port: int | None = None,
    postgres_exporter_port: int | None = None,
    prometheus_port: int | None = None,
    scrape_interval: str = "2s",
    with_rules: bool = True,
) -> str:
    """YAML text of a loopback config. A job whose port is None is left out.

    mess-analytics needs both analytics_port (Streamlit) and blackbox_port (blackbox_exporter).
    """
    canonical: dict[str, Any] = yaml.safe_load(CANONICAL_CONFIG.read_text())
    ports: dict[str, int | None] = {
        "mess-web": web_port,
        "mess-worker": worker_port,
        "mess-beat": beat_port,
        "redis": redis_exporter_port,
        "postgres": postgres_exporter_port,
        "prometheus": prometheus_port,
    }
    jobs = []
    for job in canonical["scrape_configs"]:
        name = job["job_name"]
        job = copy.deepcopy(job)
        if name == "mess-analytics":
            if analytics_port is None or blackbox_port is None:
                continue
            job["static_configs"] = [{"targets": [f"http://127.0.0.1:{analytics_port}/analytics/_stcore/health"]}]
            for relabel in job["relabel_configs"]:
                if relabel.get("target_label") == "__address__":
                    relabel["replacement"] = f"127.0.0.1:{blackbox_port}"
        else:
            if name not in ports:
                raise ValueError(f"scrape job {name!r} of {CANONICAL_CONFIG} has no loopback port parameter")
            port = ports[name]
            if port is None:
                continue
            job["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
        jobs.append(job)

    config: dict[str, Any] = {
        "global": {
            **canonical["global"],
            "scrape_interval": scrape_interval,
            "evaluation_interval": scrape_interval,
            "scrape_timeout": scrape_interval,
        },
        "scrape_configs": jobs,
    }
    if with_rules:
        config["rule_files"] = [str(PROMETHEUS_DIR / pattern) for pattern in canonical["rule_files"]]
    return yaml.safe_dump(config, sort_keys=False)
