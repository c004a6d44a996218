"""`mess backup` / `mess restore` from the command line, and `mess migrate` of an older release on a newer schema
(a rollback: it says so and succeeds, it never migrates down)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.test_commands import mess


def test_backup_then_restore_into_an_empty_database(tmp_path: Path) -> None:
    source = {"MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'live.db'}", "MESS_ENVIRONMENT": "development"}
    assert mess("migrate", env=source).returncode == 0
    seeded = mess("seed", "--residents", "5", "--days", "3", env=source)
    assert seeded.returncode == 0, seeded.stderr
    archive = tmp_path / "live.backup"
    made = mess("backup", str(archive), env=source)
    assert made.returncode == 0 and "backed up" in made.stdout, made.stderr
    again = mess("backup", str(archive), env=source)
    assert again.returncode == 2 and "never overwrites" in again.stderr

    target = {"MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'new.db'}", "MESS_ENVIRONMENT": "development"}
    restored = mess("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(tmp_path / "live.db") as live, sqlite3.connect(tmp_path / "new.db") as new:
        query = "SELECT * FROM booking ORDER BY id"
        assert live.execute(query).fetchall() == new.execute(query).fetchall() != []
    refused = mess("restore", str(archive), env=target)
    assert refused.returncode == 2 and "restore into an empty database" in refused.stderr


def test_migrate_of_an_older_release_on_a_newer_schema_succeeds_without_touching_it(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    env = {"MESS_DATABASE_URL": f"sqlite+aiosqlite:///{path}", "MESS_ENVIRONMENT": "development"}
    assert mess("migrate", env=env).returncode == 0
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '99_from_a_newer_release'")
    result = mess("migrate", env=env)
    assert result.returncode == 0, result.stderr
    assert "newer than this release" in result.stdout
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("99_from_a_newer_release",)]
