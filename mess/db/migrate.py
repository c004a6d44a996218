"""Alembic driven from code, so `mess migrate` works from any directory and inside the images."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError

from mess.config import get_settings
from mess.errors import MessError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url or get_settings().database_url)
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


class SchemaNewerThanCode(MessError):
    """The database is at a revision this code does not have: a newer release migrated it (a rollback is running)."""


def upgrade(url: str | None = None, revision: str = "head") -> None:
    try:
        command.upgrade(alembic_config(url), revision)
    except CommandError as exc:
        # Migrations are expand/contract: an older release runs on the newer schema and never migrates it down.
        if "Can't locate revision" not in str(exc):
            raise
        raise SchemaNewerThanCode(f"the database schema is newer than this release ({exc}); nothing to do") from exc


def revision(message: str, url: str | None = None) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
