"""`mess up`: the whole system in one terminal on the embedded default (SQLite, no external services)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess  # nosec B404 - starts our own processes with fixed argv lists, never a shell
import sys
import time

from mess.config import get_settings


def _mess(*args: str) -> subprocess.Popen[bytes]:
    """One `mess` command as a child process, with this process's environment."""
    return subprocess.Popen([sys.executable, "-m", "cli", *args], env=dict(os.environ))  # nosec B603 - fixed argv


def run_all(port: int = 8000) -> int:
    settings = get_settings()
    from mess.db.migrate import upgrade
    from mess.seed.service import run_seed

    upgrade()
    asyncio.run(run_seed(residents=200, days=60, if_empty=True))
    processes = {
        "web": _mess("serve", "--port", str(port)),
        # One worker process on the embedded broker: SQLite does not like many writers.
        "worker": _mess("worker", "--concurrency", "1"),
        "beat": _mess("beat"),
        "analytics": _mess("analytics", "--port", str(settings.analytics_port)),
    }
    print(
        f"\n  Hostel mess is starting:\n"
        f"    pages and API   http://127.0.0.1:{port}/   (API docs: /docs)\n"
        f"    analytics       http://127.0.0.1:{settings.analytics_port}/analytics\n"
        f"    sign in as      warden / warden-demo-pass, staff / staff-demo-pass, R0001 / resident-demo-pass\n"
        f"  Ctrl-C stops everything.\n",
        flush=True,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the rest", file=sys.stderr)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code
