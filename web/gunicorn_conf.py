"""gunicorn settings used by `mess serve --workers N`."""

from __future__ import annotations

from typing import Any

from mess.config import get_settings
from mess.kit.logs import logconfig_dict as _logconfig_dict

graceful_timeout = 20
timeout = 60
keepalive = 5
# gunicorn's own lines (boot, worker starts and exits) in the format of every other line (MESS_LOG_FORMAT).
logconfig_dict = _logconfig_dict(get_settings())


def child_exit(server: Any, worker: Any) -> None:
    # Clean a dead worker's metric files so multiprocess gauges do not count it.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
