"""A real Celery worker process on real Redis and PostgreSQL.

Each test session gets its own PostgreSQL database, Redis db 14 with a queue prefix unique to the session, and
`mess worker` subprocesses (tests/support/procs.CeleryWorker) that are always stopped (finalizers) and waited for
with time bounds.
"""

from __future__ import annotations

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
from tests.support.procs import CeleryWorker, mess_env
from tests.support.queues import session_queue_prefix
from web.main import create_app

SECRET = "test-secret-key-that-is-long-enough-0123456789"


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


def worker_process(
    pg_url: str, prefix: str, workdir: Path, batch_size: int, visibility_timeout: int, **extra_env: str
) -> CeleryWorker:
    """`mess worker` (procs.CeleryWorker, two threads) on the test's database, queues and secret; not started."""
    env = mess_env(
        pg_url,
        redis_url=REDIS_URL,
        MESS_SECRET_KEY=SECRET,
        MESS_QUEUE_PREFIX=prefix,
        MESS_BILLING_BATCH_SIZE=str(batch_size),
        MESS_VISIBILITY_TIMEOUT=str(visibility_timeout),
        **extra_env,
    )
    return CeleryWorker(env, workdir, concurrency=2)


@pytest.fixture
def start_worker(pg_url: str, queue_prefix: str, tmp_path: Path) -> Iterator[Callable[..., CeleryWorker]]:
    started: list[CeleryWorker] = []

    def start(
        batch_size: int = 2000, visibility_timeout: int = 3600, extra_env: dict[str, str] | None = None
    ) -> CeleryWorker:
        worker = worker_process(pg_url, queue_prefix, tmp_path, batch_size, visibility_timeout, **(extra_env or {}))
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
