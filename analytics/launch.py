"""`mess analytics`: Streamlit under the base path /analytics, configured from the MESS_* settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mess.config import get_settings

APP = Path(__file__).with_name("app.py")
BASE_PATH = "analytics"


def streamlit_argv(port: int) -> list[str]:
    settings = get_settings()
    return [
        sys.executable,
        "-m",
        "streamlit",
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


def run_analytics(port: int) -> int:
    if not 0 < port < 65536:
        print(f"invalid port {port}", file=sys.stderr)
        return 2
    argv = streamlit_argv(port)
    os.execv(argv[0], argv)  # noqa: S606  # nosec B606 - fixed argv; replaces this process: signals and exit codes go to Streamlit
    return 0  # not reached
