"""Alembic environment: runs on the URL given by mess.db.migrate (MESS_DATABASE_URL), async drivers included."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import mess.models  # noqa: F401  - registers every table
from mess.db.base import Base
from mess.db.engine import make_engine
from mess.kit.aio import run_sync

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", null_pool=True)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        run_sync(_run_async())
