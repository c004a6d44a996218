"""A real Prometheus scrapes the running app (and worker): targets are up and a business counter moves.

Everything runs on loopback with free ports: `mess serve` on a migrated SQLite file, `mess worker` on the embedded
broker, and Debian's Prometheus with the loopback variant of
infra/monitoring/prometheus/prometheus.yml (rules included, so they load against live data too).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mess.db.migrate import upgrade
from tests.infra.prometheus_loopback import render_loopback_config
from tests.support.procs import (
    CeleryWorker,
    MessServer,
    Process,
    free_port,
    http_status,
    mess_env,
    wait_for,
)
from tests.support.world import build_world, future_days

pytestmark = [pytest.mark.slow]

DEADLINE = 90  # seconds for any one condition to show up in Prometheus (scrape interval 1 s)


class Prometheus(Process):
    def __init__(self, binary: str, workdir: Path, config: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config_path = workdir / "prometheus.yml"
        config_path.write_text(config)
        super().__init__(
            "prometheus",
            [
                binary,
                f"--config.file={config_path}",
                f"--storage.tsdb.path={workdir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--storage.tsdb.retention.time=1h",
                "--log.level=warn",
            ],
            log_path=workdir / "prometheus.log",
            cwd=workdir,
        )

    def start(self) -> None:
        super().start()
        wait_for(lambda: http_status(f"{self.url}/-/ready") == 200, timeout=60, what="Prometheus ready", process=self)

    def api(self, path: str, **params: str) -> Any:
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=5)
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        return body["data"]

    def value(self, query: str) -> float | None:
        result = self.api("query", query=query)["result"]
        return float(result[0]["value"][1]) if result else None


@pytest.fixture
def stack(tmp_path: Path, tool: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    """Migrated SQLite app + worker + Prometheus scraping them; all stopped at the end."""
    prometheus_binary = tool("prometheus")
    url = f"sqlite+aiosqlite:///{tmp_path / 'mess.db'}"
    env = mess_env(url)
    upgrade(url)
    started: list[Process] = []
    try:
        server = MessServer(env, tmp_path)
        started.append(server)
        server.start()
        worker = CeleryWorker(env, tmp_path)  # no MESS_REDIS_URL: the embedded SQLite broker
        started.append(worker)
        worker.start()
        config = render_loopback_config(
            web_port=server.port,
            worker_port=worker.metrics_port,
            beat_port=None,
            scrape_interval="1s",
        )
        prometheus = Prometheus(prometheus_binary, tmp_path, config)
        started.append(prometheus)
        prometheus.start()
        yield {"url": url, "server": server, "worker": worker, "prometheus": prometheus}
    finally:
        for process in reversed(started):
            process.stop()


def _poll(check: Callable[[], Any], what: str, process: Process) -> Any:
    deadline = time.monotonic() + DEADLINE
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"Prometheus never showed {what} within {DEADLINE} s (last: {last}):\n{process.log_tail()}")


async def test_prometheus_scrapes_the_app_and_sees_bookings(stack: dict[str, Any]) -> None:
    prometheus: Prometheus = stack["prometheus"]
    server: MessServer = stack["server"]
    expected_jobs = {"mess-web", "mess-worker"}

    def targets_up() -> dict[str, str] | None:
        active = prometheus.api("targets", state="active")["activeTargets"]
        health = {t["labels"]["job"]: t["health"] for t in active}
        return health if set(health) == expected_jobs and set(health.values()) == {"up"} else None

    _poll(targets_up, f"targets {sorted(expected_jobs)} up", prometheus)
    for job in expected_jobs:
        assert prometheus.value(f'up{{job="{job}"}}') == 1.0

    world = await build_world(stack["url"])
    query = f'sum(mess_bookings_total{{mess="{world.mess_code}",action="book"}})'
    day = future_days(1)[0].isoformat()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        for expected, guests in ((1.0, 0), (2.0, 2)):
            response = await http.put(
                f"/api/v1/bookings/{day}/dinner", json={"guests": guests}, headers=world.resident.headers
            )
            assert response.status_code == 200, response.text
            seen = _poll(
                lambda: (v := prometheus.value(query)) is not None and v >= expected and v,  # noqa: B023
                f"{query} >= {expected}",
                prometheus,
            )
            assert seen == expected, f"{query} = {seen}, expected {expected}"
    # The request counters carry the route template, never the raw path.
    routes = prometheus.api("label/route/values", **{"match[]": "mess_http_requests_total"})
    assert "/api/v1/bookings/{date}/{slot}" in routes
    assert not any(day in route for route in routes)
