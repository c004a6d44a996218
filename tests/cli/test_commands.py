"""The console script as an operator runs it: migrate, create the first admin, seed, sign in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from mess.config import Settings
from web.main import create_app


def mess(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def test_migrate_create_admin_seed_and_sign_in(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    env = {"MESS_DATABASE_URL": url, "MESS_ENVIRONMENT": "development"}
    assert mess("migrate", env=env).returncode == 0
    created = mess("create-user", "--role", "admin", "--login", "root-admin", "--password", "s3cret-pass!", env=env)
    assert created.returncode == 0, created.stderr
    duplicate = mess("create-user", "--role", "admin", "--login", "root-admin", "--password", "s3cret-pass!", env=env)
    assert duplicate.returncode == 2 and "is taken" in duplicate.stderr
    seeded = mess("seed", "--residents", "12", "--days", "10", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded mess DEMO" in seeded.stdout
    again = mess("seed", "--if-empty", env=env)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    staff = mess(
        "create-user", "--role", "staff", "--login", "counter2", "--password", "another-pass", "--mess", "DEMO", env=env
    )
    assert staff.returncode == 0, staff.stderr
    unknown = mess(
        "create-user", "--role", "staff", "--login", "c3", "--password", "another-pass", "--mess", "NOPE", env=env
    )
    assert unknown.returncode == 2

    app = create_app(Settings(database_url=url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for login, password in (
            ("root-admin", "s3cret-pass!"),
            ("R0001", "resident-demo-pass"),
            ("warden", "warden-demo-pass"),
        ):
            response = await client.post("/api/v1/auth/token", data={"username": login, "password": password})
            assert response.status_code == 200, (login, response.text)
    await app.state.database.dispose()


def test_seed_refuses_production(tmp_path: Path):
    env = {
        "MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        "MESS_ENVIRONMENT": "production",
        "MESS_SECRET_KEY": "x" * 40,
    }
    assert mess("migrate", env=env).returncode == 0
    refused = mess("seed", env=env)
    assert refused.returncode == 2 and "production" in refused.stderr


def test_production_refuses_default_secret(tmp_path: Path):
    env = {"MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}", "MESS_ENVIRONMENT": "production"}
    failed = mess("migrate", env=env)
    assert failed.returncode != 0 and "MESS_SECRET_KEY" in failed.stderr


def test_the_console_script_is_the_cli_package_with_every_command_of_the_readme():
    import importlib
    import re
    import tomllib

    from cli.main import build_parser, main

    root = Path(__file__).resolve().parents[2]
    script = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]["mess"]
    module, _, function = script.partition(":")
    assert getattr(importlib.import_module(module), function) is main
    readme = (root / "README.md").read_text()
    documented = set(re.findall(r"`mess ([a-z-]+)", readme))
    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert documented and documented <= set(subcommands)


def test_vapid_keys_prints_a_usable_pair(tmp_path: Path):
    from mess.notifications.push import keys_from_private

    out = mess("vapid-keys", env={"MESS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'v.db'}"})
    assert out.returncode == 0, out.stderr
    private = out.stdout.splitlines()[0].removeprefix("MESS_VAPID_PRIVATE_KEY=")
    public = out.stdout.splitlines()[1].rsplit(" ", 1)[1]
    assert keys_from_private(private).public_key == public
