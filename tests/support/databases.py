"""The machine's shared PostgreSQL and Redis as the tests use them: private databases, a clean slate, reachability.

Every database made here carries the creating process's pid and a random tail in its name, so test sessions (and
the xdist workers of one session) never share one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mess.db.base import Base
from mess.db.engine import Database
from mess.db.migrate import upgrade
from mess.kit.aio import run_sync
from tests.support.procs import unavailable

PG_ADMIN_URL = os.environ.get("MESS_TEST_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Billing and worker tests enqueue here, each session under a queue prefix of its own (tests/support/queues.py).
QUEUE_REDIS_URL = os.environ.get("MESS_TEST_QUEUE_REDIS_URL", "redis://127.0.0.1:6379/14")


async def pg_admin(statement: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE, pg_terminate_backend)."""
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def create_pg_database() -> str:
    """A new empty database on the shared server; its name. Unreachable: fails in CI, skips elsewhere."""
    name = f"mess_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        run_sync(pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure means "not reachable"
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({exc.__class__.__name__})")
    return name


def drop_pg_database(name: str) -> None:
    run_sync(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def sync_url(url: str) -> str:
    """The same database through a blocking driver (sqlite3, psycopg), for tests that drive it without a loop."""
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")


@contextmanager
def temporary_pg_database(*, migrate: bool = True) -> Iterator[str]:
    """The URL of a database of its own (migrated to head unless told not to), dropped afterwards."""
    name = create_pg_database()
    url = pg_url(name)
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        drop_pg_database(name)


async def truncate(database: Database) -> None:
    """Every table emptied and every id sequence restarted: each test starts from a migrated, empty database.

    On PostgreSQL, DELETE and setval in one round trip: TRUNCATE of every table made new files for each and cost
    ~0.3-0.9 s per test (measured), DELETE of a test's few rows costs milliseconds."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            script = [f"DELETE FROM {table}" for table in tables]
            script.append("SELECT setval(seqrelid, seqstart, false) FROM pg_sequence")  # RESTART IDENTITY
            raw = await connection.get_raw_connection()
            await raw.driver_connection.execute(";\n".join(script))  # type: ignore[union-attr]
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


def require_redis(url: str) -> None:
    """Redis answers at url; else fails in CI and skips elsewhere."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        unavailable(f"Redis at {url} is not reachable ({exc.__class__.__name__})")
