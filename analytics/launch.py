"""`mess analytics`: Streamlit under the base path /analytics, configured from the MESS_* settings.

With MESS_LOG_FORMAT=text (a laptop) Streamlit replaces this process and writes its own lines. With json (the
containers) this process stays as Streamlit's parent: it reads every line Streamlit prints and writes it again as
one JSON line through mess.kit.logs, with Streamlit's level and logger name, so the log agent gets one shape from
every process. Streamlit's own logging keeps its handlers; only its message format is set (a public option), to
`LEVEL logger message`, which the parent parses. Signals go to the child and its exit code is ours."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess  # nosec B404 - starts our own Streamlit with a fixed argv, never a shell
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mess.config import get_settings
from mess.kit import logs

APP = Path(__file__).with_name("app.py")
BASE_PATH = "analytics"


def streamlit_argv(port: int) -> list[str]:
    settings = get_settings()
    return [
        sys.executable,
        "-m",
        "analytics.serve",  # Streamlit's command line, after importing what the pages use (analytics/serve.py)
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.baseUrlPath",
        BASE_PATH,
        # The web app's host setting: loopback on a laptop, 0.0.0.0 in the containers (MESS_WEB_HOST).
        "--server.address",
        settings.web_host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--logger.level",
        settings.log_level.lower(),
    ]


# What --logger.messageFormat makes Streamlit print, and how the parent reads it back.
CHILD_FORMAT = "%(levelname)s %(name)s %(message)s"
_CHILD_LINE = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) (?P<name>[\w.]+) (?P<message>.*)$")


def run_analytics(port: int) -> int:
    if not 0 < port < 65536:
        print(f"invalid port {port}", file=sys.stderr)
        return 2
    argv = streamlit_argv(port)
    settings = get_settings()
    if settings.log_format == "json":
        return _supervise([*argv, "--logger.messageFormat", CHILD_FORMAT], settings)
    os.execv(argv[0], argv)  # noqa: S606  # nosec B606 - fixed argv; replaces this process: signals and exit codes go to Streamlit
    return 0  # not reached


def relog(lines: Iterable[str]) -> None:
    """Log each of Streamlit's output lines through our handlers: `LEVEL logger message` lines under their level
    and logger; any other line (its banner, a traceback's continuation) under the last level seen, logger
    `streamlit`."""
    level = logging.INFO
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        match = _CHILD_LINE.match(line)
        if match:
            level = int(logging.getLevelName(match["level"]))
            logging.getLogger(match["name"]).log(level, match["message"])
        else:
            logging.getLogger("streamlit").log(level, line.strip())


def _supervise(argv: list[str], settings: Any) -> int:
    logs.configure(settings)
    child = subprocess.Popen(  # nosec B603 - fixed argv of our own Streamlit launch
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, errors="replace"
    )

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    relog(child.stdout or ())
    return child.wait()
