"""Private PostgreSQL and Redis servers for fault tests: own data directory, own free loopback port.

Never the machine's shared servers (5432, 6379): fault tests stop and restart these at will.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

from tests.support.procs import Process, free_port, require_binary, run_as, unavailable, wait_for


def _postgres_bin_dir() -> Path:
    """Debian's newest server binaries (/usr/lib/postgresql/<version>/bin), else wherever initdb is on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    return Path(require_binary("initdb")).parent


class PrivatePostgres:
    """A throw-away PostgreSQL cluster: initdb into a temp dir, trust auth, fsync off, one fixed free port.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user. The data
    directory lives directly under /tmp (pytest's tmp dirs are private to root)."""

    def __init__(self) -> None:
        self.bin = _postgres_bin_dir()
        for tool in ("initdb", "postgres", "pg_isready", "createdb", "psql"):
            if not (self.bin / tool).exists():
                unavailable(f"PostgreSQL server binary {tool} is missing in {self.bin}")
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                import pwd

                pwd.getpwnam(self.user)
            except KeyError:
                unavailable("running as root without a `postgres` system user to own a private cluster")
        self.base = Path(tempfile.mkdtemp(prefix="mess-pg-", dir="/tmp"))
        self.data = self.base / "data"
        self.port = free_port()
        if self.user is not None:
            shutil.chown(self.base, self.user, self.user)
        run_as(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            user=self.user,
        )
        self.process = Process(
            "postgres",
            [
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.base),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=120",
                "-c",
                "log_min_messages=warning",
            ],
            log_path=self.base / "postgres.log",
            user=self.user,
            stop_signal=signal.SIGINT,  # "fast" shutdown: roll back open transactions, checkpoint, exit
            death_signal=signal.SIGINT,
        )

    def _ready(self) -> bool:
        try:
            run_as(
                [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-t", "1"],
                timeout=5,
            )
            return True
        except AssertionError:
            return False

    def start(self, timeout: float = 60) -> float:
        """Start and wait until it accepts connections; the seconds that took."""
        started = time.monotonic()
        self.process.start()
        wait_for(self._ready, timeout=timeout, what=f"PostgreSQL on 127.0.0.1:{self.port}", process=self.process)
        return time.monotonic() - started

    def stop(self, timeout: float = 60) -> None:
        """Fast shutdown (what `pg_ctl stop -m fast` sends): every client connection is cut."""
        self.process.stop(timeout)

    def restart(self) -> float:
        """Fast shutdown then start on the same port and data (`pg_ctl restart -m fast`); the seconds it took."""
        started = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - started

    async def arestart(self) -> float:
        """`restart` without blocking the event loop (the spawn itself stays on the main thread)."""
        started = time.monotonic()
        await asyncio.to_thread(self.stop)
        self.process.start()
        deadline = started + 60
        while not await asyncio.to_thread(self._ready):
            if time.monotonic() > deadline:
                raise AssertionError(f"PostgreSQL did not come back within 60 s:\n{self.process.log_tail()}")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> str:
        run_as([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        """Run SQL; rows as `a|b` lines (unaligned, tuples only)."""
        return run_as(
            [
                str(self.bin / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ]
        )


class PrivateRedis:
    """A throw-away Redis: no persistence, one fixed free port, stoppable and restartable."""

    def __init__(self, workdir: Path) -> None:
        self.binary = require_binary("redis-server", "/usr/bin/redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = Process(
            "redis-server",
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(workdir),
            ],
            log_path=workdir / f"redis-{self.port}.log",
            cwd=workdir,
        )

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, timeout: float = 30) -> None:
        self.process.start()
        wait_for(self.ping, timeout=timeout, what=f"Redis on 127.0.0.1:{self.port}", process=self.process)

    def stop(self) -> None:
        self.process.stop(20)
        wait_for(lambda: not self.ping(), timeout=10, what="Redis to stop answering")
