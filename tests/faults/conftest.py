"""Fault and concurrency tests: real `mess serve` processes on PRIVATE PostgreSQL and Redis servers.

The servers are started by these fixtures on free loopback ports and stopped in finalizers; the machine's shared
PostgreSQL (5432) and Redis (6379) are never touched. In CI a missing binary fails; elsewhere it skips.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mess.db.migrate import upgrade
from tests.support.procs import CeleryWorker, MessServer, mess_env
from tests.support.services import PrivatePostgres, PrivateRedis

_db_seq = itertools.count(1)


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """One private PostgreSQL cluster for the fault tests (each test gets its own database in it)."""
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.process.stop()


@pytest.fixture
def pg_url(private_pg: PrivatePostgres, tmp_path: Path) -> str:
    """A fresh database in the private cluster, migrated (in this process: `mess migrate` is the CLI test's)."""
    url = private_pg.createdb(f"faults_{next(_db_seq)}")
    upgrade(url)
    return url


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., MessServer]]:
    """start_server(database_url, redis_url=None) -> a running `mess serve`; all stopped at the end."""
    started: list[MessServer] = []

    def start(database_url: str, *, redis_url: str | None = None, ready: str = "/readyz") -> MessServer:
        server = MessServer(mess_env(database_url, redis_url=redis_url), tmp_path)
        started.append(server)
        server.start(ready=ready)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., CeleryWorker]]:
    """start_worker(database_url, redis_url=None) -> a running `mess worker`; all stopped at the end."""
    started: list[CeleryWorker] = []

    def start(database_url: str, *, redis_url: str | None = None) -> CeleryWorker:
        worker = CeleryWorker(mess_env(database_url, redis_url=redis_url), tmp_path)
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()
