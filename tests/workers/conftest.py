"""A real Celery worker process on real Redis and PostgreSQL.

Each test session gets its own PostgreSQL database, Redis db 14 with a queue prefix unique to the session, and
worker subprocesses that are always stopped (finalizers) and waited for with time bounds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mess.auth.actor import Actor
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.clock import FixedClock
from tests.factories import World, bearer_headers
from tests.support.databases import QUEUE_REDIS_URL as REDIS_URL
from tests.support.databases import require_redis, temporary_pg_database, truncate
from tests.support.procs import ROOT, free_port
from tests.support.queues import session_queue_prefix
from web.main import create_app

SECRET = "test-secret-key-that-is-long-enough-0123456789"
READY_TIMEOUT = 60


@pytest.fixture(scope="session")
def queue_prefix() -> Iterator[str]:
    yield from session_queue_prefix("wtest", REDIS_URL)


@pytest.fixture(scope="session")
def redis_available() -> None:
    require_redis(REDIS_URL)


@pytest.fixture(scope="session")
def pg_url(redis_available: None) -> Iterator[str]:
    with temporary_pg_database() as url:
        yield url


@pytest.fixture
def worker_settings(pg_url: str, queue_prefix: str) -> Settings:
    return Settings(
        environment="test",
        database_url=pg_url,
        redis_url=REDIS_URL,
        secret_key=SECRET,  # type: ignore[arg-type]
        queue_prefix=queue_prefix,  # the web app (in this process) enqueues to the worker's queues
    )


@pytest.fixture
async def pg_database(worker_settings: Settings) -> AsyncIterator[Database]:
    database = Database(worker_settings)
    await truncate(database)
    yield database
    await database.dispose()


@pytest.fixture
def pg_world(
    pg_database: Database, worker_settings: Settings, later_clock: FixedClock, api: httpx.AsyncClient
) -> World:
    return World(pg_database, worker_settings, later_clock, api)


@pytest.fixture
def later_clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 10, 6, 0, tzinfo=UTC))


@pytest.fixture
async def api(
    worker_settings: Settings, pg_database: Database, later_clock: FixedClock
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(worker_settings, clock=later_clock, database=pg_database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def headers_for(later_clock: FixedClock) -> Callable[[Actor], dict[str, str]]:
    """Bearer headers for an actor, signed with the worker's secret at the tests' clock."""
    return lambda actor: bearer_headers(actor, SECRET, later_clock.now(), 600)


class WorkerProcess:
    """`python -m celery -A workers.celery_app worker` as a subprocess, with the test's database and queues."""

    def __init__(
        self,
        pg_url: str,
        prefix: str,
        log_dir: Path,
        batch_size: int,
        visibility_timeout: int,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.metrics_port = free_port()
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            "MESS_ENVIRONMENT": "test",
            "MESS_DATABASE_URL": pg_url,
            "MESS_REDIS_URL": REDIS_URL,
            "MESS_SECRET_KEY": SECRET,
            "MESS_QUEUE_PREFIX": prefix,
            "MESS_WORKER_METRICS_PORT": str(self.metrics_port),
            "MESS_BILLING_BATCH_SIZE": str(batch_size),
            "MESS_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        self.prefix = prefix
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        queues = f"{self.prefix}default,{self.prefix}billing"
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers.celery_app",
            "worker",
            "--concurrency=2",
            f"--queues={queues}",
            "--loglevel=INFO",
            f"--hostname=test-{uuid.uuid4().hex[:6]}@%h",
        ]
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"worker not ready in {READY_TIMEOUT} s:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no chance to ack or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if hasattr(self, "log"):
            self.log.close()


@pytest.fixture
def start_worker(pg_url: str, queue_prefix: str, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(
        batch_size: int = 2000, visibility_timeout: int = 3600, extra_env: dict[str, str] | None = None
    ) -> WorkerProcess:
        worker = WorkerProcess(pg_url, queue_prefix, tmp_path, batch_size, visibility_timeout, extra_env)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
