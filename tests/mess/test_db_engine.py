"""The pool replaces a connection the server closed (a PostgreSQL restart, pg_terminate_backend) at checkout,
without a round trip per request (no pool_pre_ping): the next unit of work succeeds instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from mess.config import Settings
from mess.db.engine import Database
from tests.conftest import PG_ADMIN_URL, _create_pg_database, _drop_pg_database, _pg_admin


@pytest.fixture
async def pg_database() -> AsyncIterator[Database]:
    name = await asyncio.to_thread(_create_pg_database)
    database = Database(Settings(database_url=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", db_pool_size=1))
    try:
        yield database
    finally:
        await database.dispose()
        await asyncio.to_thread(_drop_pg_database, name)


async def _backend_pid(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_closed_by_the_server_is_replaced_at_checkout(pg_database: Database):
    first = await _backend_pid(pg_database)
    assert await _backend_pid(pg_database) == first  # the pool hands out the same connection again
    await _pg_admin(f"SELECT pg_terminate_backend({first})")
    await asyncio.sleep(0.2)  # the driver notices the closed socket on its own
    replaced = await _backend_pid(pg_database)  # would raise (a 503 in the app) with the dead connection
    assert replaced != first
