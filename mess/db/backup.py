"""Logical backup and restore of the whole database: `mess backup FILE` and `mess restore FILE`.

PostgreSQL: pg_dump's custom archive (schema, data, sequences and alembic_version), restored with pg_restore in
one transaction. The pg_dump/pg_restore on PATH must be the server's major version or newer (postgresql-client).
SQLite: the sqlite3 online backup API, which copies a consistent snapshot while the app keeps writing.
A restore goes into an EMPTY database only (a fresh one the app is then pointed at): it never overwrites data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with a fixed argv, never a shell
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from mess.errors import Conflict, InvalidInput, MessError

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupFailed(MessError):
    status_code = 500


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise InvalidInput("an in-memory SQLite database has nothing to back up or restore into")
    return Path(url.database)


def _pg_env(url: URL) -> dict[str, str]:
    """libpq settings from the app's SQLAlchemy URL, in the environment so the password never shows in argv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        # asyncpg's ssl=require (the RDS secret) is libpq's sslmode=require.
        "PGSSLMODE": url.query.get("ssl") or url.query.get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} is not installed (the postgresql-client package of the server's major version)")
    return found


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # nosec B603 - fixed argv from our settings, no shell
    if result.returncode != 0:
        raise BackupFailed(f"{Path(argv[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup(database_url: str, target: Path) -> None:
    """Write a logical backup of the database at database_url to target (which must not exist yet)."""
    url = make_url(database_url)
    if target.exists():
        raise Conflict(f"{target} exists; a backup never overwrites a file")
    if url.get_backend_name() == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise InvalidInput(f"no SQLite database at {source_path}")
        with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return
    argv = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    try:
        _run(argv, _pg_env(url))
    except BackupFailed:
        target.unlink(missing_ok=True)
        raise


def _kind(source: Path) -> str:
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise InvalidInput(f"{source} is neither a pg_dump custom archive nor a SQLite database")


def _pg_has_tables(env: dict[str, str]) -> bool:
    argv = [_pg_tool("psql"), "--no-psqlrc", "--tuples-only", "--no-align", "--command"]
    query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    result = subprocess.run([*argv, query], env=env, capture_output=True, text=True, check=False)  # nosec B603 - fixed argv from our settings, no shell
    if result.returncode != 0:
        raise BackupFailed(f"cannot read the target database: {result.stderr.strip()[-2000:]}")
    return int(result.stdout.strip() or 0) > 0


def restore(database_url: str, source: Path) -> None:
    """Restore a backup made by backup() into the (empty) database at database_url."""
    url = make_url(database_url)
    if not source.is_file():
        raise InvalidInput(f"no backup file at {source}")
    kind, backend = _kind(source), url.get_backend_name()
    if kind != backend:
        raise InvalidInput(f"{source} is a {kind} backup; the target database is {backend}")
    if backend == "sqlite":
        target_path = _sqlite_path(url)
        with sqlite3.connect(target_path) as target:
            if target.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
                raise Conflict(f"{target_path} already has tables; restore into an empty database")
            with sqlite3.connect(source) as backup_db:
                backup_db.backup(target)
            backup_db.close()
        target.close()
        return
    env = _pg_env(url)
    if _pg_has_tables(env):
        raise Conflict(f"database {url.database} already has tables; restore into an empty database")
    argv = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*argv, "--dbname", str(url.database), str(source)], env)
