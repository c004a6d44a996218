"""Debian's Chromium for the browser tests, and where their screenshots go."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.factories import PASSWORD
from tests.support.procs import ROOT, unavailable
from web.deps import SESSION_COOKIE

CHROMIUM = os.environ.get("MESS_E2E_CHROMIUM", "/usr/bin/chromium")
# Chromium keeps only the last --disable-features it is given, and Playwright passes its own list first: ours repeats
# Playwright's (1.65, playwright-core's chromiumSwitches.ts; tests/test_browser_args.py checks it is still all there)
# and adds the omnibox popup. Chromium 156 loads the address bar's popup (two chrome://omnibox-popup.top-chrome pages,
# in a WebUI renderer of their own) for every window, and Playwright opens a window for every browser context: ~0.7 s
# of CPU per context for a popup that headless Chromium never shows. Nothing a page does sees the difference.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
DISABLED_FEATURES = (*PLAYWRIGHT_DISABLED_FEATURES, "WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]
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


def sign_in_with_the_form(page: Any, login: str, password: str = PASSWORD) -> None:
    """Sign in through /login as a person does; the page ends where the form's redirect lands."""
    page.goto("/login")
    page.fill("#username", login)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def sign_in(page: Any, login: str, remembered: dict[str, list[Any]], *, through_the_form: bool = False) -> None:
    """Sign `login` in on `page`, which ends on the home page the sign-in form sends that login to.

    `remembered` (login -> the cookies the sign-in form gave it, for one server) makes the form run once per login:
    later pages get its cookies and open `/`, which redirects to the same home page. A session is a signed token in
    a cookie, nothing the server keeps, so signing out elsewhere does not end it. `through_the_form` always uses
    the form (a test about signing in, or a device whose clock is set)."""
    cookies = None if through_the_form else remembered.get(login)
    if cookies:
        page.context.add_cookies(cookies)
        page.goto("/")
        page.wait_for_load_state("networkidle")
    else:
        sign_in_with_the_form(page, login)
    if not cookies and any(cookie["name"] == SESSION_COOKIE for cookie in page.context.cookies()):
        remembered[login] = page.context.cookies()
