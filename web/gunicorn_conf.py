"""gunicorn settings used by `mess serve --workers N`."""

from __future__ import annotations

from typing import Any

graceful_timeout = 20
timeout = 60
keepalive = 5


def child_exit(server: Any, worker: Any) -> None:
    # Clean a dead worker's metric files so multiprocess gauges do not count it.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
