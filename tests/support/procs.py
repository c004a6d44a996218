"""Real processes for tests: free loopback ports, processes that cannot outlive the test run, bounded waits.

Every process started here
- listens on 127.0.0.1 only, on a port the kernel just reported free;
- runs in its own process group and carries PR_SET_PDEATHSIG, so the kernel stops it if the test process dies
  (nothing is left running even after a crashed or killed pytest);
- is stopped by `stop()`, which the fixtures call in finalizers.

PR_SET_PDEATHSIG fires when the *thread* that spawned the child ends, so processes are started from the main
thread only (`Process.start` checks it).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI") == "true"
# Cheap argon2 for the thousands of accounts the tests make: the test process (tests/conftest.py) and every server,
# worker and command it starts (mess_env) hash with it. Production's cost is ~100 ms of CPU a hash; no answer
# depends on it.
CHEAP_PASSWORD_HASHING = {"MESS_PASSWORD_TIME_COST": "1", "MESS_PASSWORD_MEMORY_KIB": "1024"}
ROOT = Path(__file__).resolve().parents[2]
MESS = [sys.executable, "-m", "cli"]
TEST_SECRET = "fault-tests-secret-key-0123456789-abcdefghij"

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def unavailable(what: str) -> NoReturn:
    """A missing binary or service fails in CI and skips (with the reason) elsewhere."""
    if IN_CI:
        pytest.fail(f"{what} (required in CI)")
    pytest.skip(reason=what)


def require_binary(name: str, *candidates: str) -> str:
    """Path of an external program: the first existing candidate, else PATH."""
    for candidate in candidates:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return found
    unavailable(f"{name} is not installed (apt-get install it)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _child_setup(user: str | None, death_signal: int, parent: int) -> Callable[[], None]:
    account = pwd.getpwnam(user) if user is not None else None

    def setup() -> None:
        os.setsid()  # own process group: a kill reaches the process and its children
        if account is not None:
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
        # After the credential change, which would clear it.
        _libc.prctl(_PR_SET_PDEATHSIG, death_signal)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return setup


def run_as(
    argv: Sequence[str],
    *,
    user: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """Run a short command (optionally as another system user); its output, or an AssertionError with it."""
    result = subprocess.run(
        list(argv),
        preexec_fn=_child_setup(user, signal.SIGKILL, os.getpid()),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=cwd,
    )
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout[-4000:]}")
    return result.stdout


class Process:
    """One long-running child process with its log file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
        death_signal: int = signal.SIGTERM,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.user = user
        self.stop_signal = stop_signal
        self.death_signal = death_signal
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("start processes from the main thread (PR_SET_PDEATHSIG follows the spawning thread)")
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- {time.strftime('%H:%M:%S')} start {' '.join(self.argv)}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_child_setup(self.user, self.death_signal, os.getpid()),
            )

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """Ask the process to stop (stop_signal to the leader); kill its whole group if it does not in time."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            try:
                os.kill(self.popen.pid, self.stop_signal)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        self._kill_group()

    def kill(self) -> None:
        """SIGKILL the process and everything in its group at once (a crash, an OOM kill)."""
        if self.popen is not None:
            self._kill_group()

    def _kill_group(self) -> None:
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL cannot be ignored; just bounded
            self.popen.wait(10)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def wait_for(
    predicate: Callable[[], bool], *, timeout: float, what: str, process: Process | None = None, interval: float = 0.2
) -> float:
    """Poll until predicate() is true; the seconds it took. A bounded wait: fails with the process log."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        if predicate():
            return time.monotonic() - started
        if process is not None and process.popen is not None and not process.running:
            raise AssertionError(
                f"{process.name} exited ({process.popen.returncode}) while waiting for {what}:\n{process.log_tail()}"
            )
        if time.monotonic() > deadline:
            tail = f":\n{process.log_tail()}" if process is not None else ""
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(interval)


async def eventually(predicate: Callable[[], object], timeout: float = 90, interval: float = 0.1) -> object:
    """Poll predicate (sync or async) without blocking the event loop until it returns a truthy value; that value.
    A bounded wait: an AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def http_status(url: str, timeout: float = 2) -> int | None:
    """The status of a GET of a plain-http URL, or None when nothing answers. http.client, not httpx: the probes
    poll every 0.2 s while a server starts, and each httpx.get built a TLS context (~27 ms of CPU, 0.04 here)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"not a plain-http URL: {url}")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else "") or "/")
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def mess_env(database_url: str, *, redis_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a `mess` subprocess: the test's settings only, nothing inherited from MESS_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MESS_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        MESS_ENVIRONMENT="test",
        MESS_DATABASE_URL=database_url,
        MESS_SECRET_KEY=TEST_SECRET,
        MESS_LOG_LEVEL="INFO",
        **{name: os.environ.get(name, value) for name, value in CHEAP_PASSWORD_HASHING.items()},
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["MESS_REDIS_URL"] = redis_url
    env.update(extra)
    return env


def run_mess(args: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float = 180) -> str:
    """Run one `mess` command to completion (migrate, create-user...)."""
    return run_as([*MESS, *args], env=env, cwd=cwd, timeout=timeout)


class MessServer(Process):
    """`mess serve` on a free loopback port (one uvicorn process)."""

    def __init__(self, env: dict[str, str], workdir: Path, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            "mess serve",
            [*MESS, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            log_path=workdir / f"serve-{self.port}.log",
            env=env,
            cwd=workdir,
        )

    def start(self, *, ready: str = "/readyz", timeout: float = 60) -> None:
        super().start()
        wait_for(
            lambda: http_status(self.base_url + ready) == 200,
            timeout=timeout,
            what=f"{self.base_url}{ready}",
            process=self,
        )


class CeleryWorker(Process):
    """`mess worker` with its Prometheus endpoint on a free loopback port."""

    def __init__(self, env: dict[str, str], workdir: Path, *, concurrency: int = 1) -> None:
        self.metrics_port = free_port()
        env = {**env, "MESS_WORKER_METRICS_PORT": str(self.metrics_port)}
        super().__init__(
            "mess worker",
            [*MESS, "worker", "--concurrency", str(concurrency)],
            log_path=workdir / f"worker-{self.metrics_port}.log",
            env=env,
            cwd=workdir,
        )

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def start(self, *, timeout: float = 90) -> None:
        super().start()
        wait_for(lambda: http_status(self.metrics_url) == 200, timeout=timeout, what=self.metrics_url, process=self)
