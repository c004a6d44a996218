"""Debian's Chromium for the browser tests, and where their screenshots go."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.support.procs import ROOT, unavailable

CHROMIUM = os.environ.get("MESS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
# Every run saves its screenshots under artifacts/ (CI keeps them); MESS_SCREENSHOTS=docs/screenshots refreshes the
# ones the README shows.
SCREENSHOTS = ROOT / os.environ.get("MESS_SCREENSHOTS", "artifacts/screenshots")


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
