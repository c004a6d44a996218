"""Shared pieces of the benchmarks: throwaway PostgreSQL databases, server processes, machine facts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("MESS_BENCH_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-key-0123456789abcdef0123456789"


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """A migrated, empty PostgreSQL database, dropped afterwards."""
    from mess.db.migrate import upgrade

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(
    argv: list[str], env: dict[str, str], port: int, ready_path: str = "/healthz", *, quiet: bool = False
) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL once it answers. quiet: its output is
    dropped (a benchmark's own output goes into bench/RESULTS.md)."""
    output = subprocess.DEVNULL if quiet else None
    # The tree this benchmark is run from comes first on the server's path: the venv's editable install points
    # at one checkout, and a benchmark run from another worktree would otherwise time that checkout's code.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    process = subprocess.Popen(
        argv, env={**os.environ, "PYTHONPATH": path, **env}, cwd=ROOT, stdout=output, stderr=output
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + ready_path, timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready in 180 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def machine() -> str:
    cpu = "unknown cpu"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


def bin_path(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@contextlib.contextmanager
def analytics_server(database_url: str, secret: str, port: int | None = None) -> Iterator[str]:
    """`mess analytics` on the given database until the block ends; yields the app's URL (…/analytics). port:
    a given one (a browser's cache is per origin: a restart on the same port keeps it), else a free one."""
    port = port or free_port()
    argv = [sys.executable, "-m", "cli", "analytics", "--port", str(port)]
    env = {"MESS_DATABASE_URL": database_url, "MESS_SECRET_KEY": secret, "MESS_WEB_HOST": "127.0.0.1"}
    with server(argv, env, port, "/analytics/_stcore/health", quiet=True) as base:
        yield f"{base}/analytics"


def warden_page(playwright: Any, token: str) -> Any:
    """A desktop-sized Chromium page (Debian's, or $CHROMIUM) signed in as the warden the token names."""
    browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "mess_session", "value": token, "domain": "127.0.0.1", "path": "/"}])
    return context.new_page()
