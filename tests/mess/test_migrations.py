"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect

from mess.db.base import Base
from mess.db.migrate import alembic_config
from tests.support.databases import sync_url


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"merge the migration heads: {heads}"


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return compare_metadata(context, Base.metadata)


async def test_migrated_schema_matches_models(database):
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


def test_every_migration_goes_down_to_an_empty_database_and_up_again(fresh_url):
    """Releases never migrate down (expand/contract, mess.db.migrate), but each revision's downgrade must stay true
    to its upgrade: from head to base leaves no table of ours, and head again is the models' schema."""
    config = alembic_config(fresh_url)
    engine = create_engine(sync_url(fresh_url))
    try:
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert _differences(connection) == []
    finally:
        engine.dispose()
