"""The pool replaces a connection the server closed (a PostgreSQL restart, pg_terminate_backend) at checkout,
without a round trip per request (no pool_pre_ping): the next unit of work succeeds instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from mess.config import Settings
from mess.db.engine import Database
from tests.support.databases import create_pg_database, drop_pg_database, pg_admin, pg_url
from tests.support.procs import eventually


@pytest.fixture
async def pg_database() -> AsyncIterator[Database]:
    name = await asyncio.to_thread(create_pg_database)
    database = Database(Settings(database_url=pg_url(name), db_pool_size=1))
    try:
        yield database
    finally:
        await database.dispose()
        await asyncio.to_thread(drop_pg_database, name)


async def _backend_pid(database: Database) -> tuple[int, Any]:
    """The server process of the pooled connection a unit of work used, and that connection's asyncpg object."""
    async with database.transaction() as session:
        pid = int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())
        raw = await (await session.connection()).get_raw_connection()
        return pid, raw.driver_connection


async def test_a_connection_closed_by_the_server_is_replaced_at_checkout(pg_database: Database):
    first, driver = await _backend_pid(pg_database)
    assert (await _backend_pid(pg_database))[0] == first  # the pool hands out the same connection again
    await pg_admin(f"SELECT pg_terminate_backend({first})")
    await eventually(driver.is_closed, timeout=10, interval=0.01)  # the driver notices the closed socket on its own
    replaced, _ = await _backend_pid(pg_database)  # would raise (a 503 in the app) with the dead connection
    assert replaced != first
