"""Browser journeys: a real `mess serve` process on a free loopback port, driven by Debian's Chromium.

In CI (CI=true) a missing Chromium fails the run; elsewhere the journeys skip with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from mess.config import PUSH_SERVICE_HOSTS, Settings
from mess.db.migrate import upgrade
from mess.kit.aio import run_sync
from tests.e2e.fixture import Fixture, build
from tests.support.browser import CHROMIUM_ARGS, require_chromium, sign_in
from tests.support.procs import free_port

SECRET = "e2e-secret-key-that-is-long-enough-0123456789"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="session")
def push_port() -> int:
    """The port of the journeys' local push service (tests.support.push), allowed by the server they run."""
    return free_port()


@pytest.fixture(scope="session")
def served(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, push_port: int
) -> Iterator[tuple[str, Fixture]]:
    """Migrate and seed a temporary SQLite database, then run the app as its own process against it."""
    workdir = tmp_path_factory.mktemp("e2e")
    url = f"sqlite+aiosqlite:///{workdir / 'mess.db'}"
    upgrade(url)
    settings = Settings(environment="test", database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    fixture = run_sync(build(settings))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MESS_")},
        "MESS_ENVIRONMENT": "test",
        "MESS_DATABASE_URL": url,
        "MESS_SECRET_KEY": SECRET,
        "MESS_LOG_LEVEL": "WARNING",
        # Web Push to the tests' local push service (http on 127.0.0.1, allowed by its exact origin beside the real
        # push services); the VAPID key is kept in the work directory.
        "MESS_PUSH_ENDPOINT_HOSTS": ",".join((*PUSH_SERVICE_HOSTS, f"http://127.0.0.1:{push_port}")),
    }
    mess_cli = shutil.which("mess", path=str(Path(sys.executable).parent)) or "mess"
    log = (workdir / "server.log").open("w")
    # cwd is the temporary directory: the embedded broker's SQLite file lands there, not in the repository.
    server = subprocess.Popen(
        [mess_cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    worker = _start_worker(workdir, env)
    try:
        # A bound, not a speed check: a loaded 2-core machine has taken ~30 s to start the server and its worker.
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"mess serve exited: {(workdir / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("mess serve did not become healthy within 180 s")
            time.sleep(0.2)
        yield base, fixture
    finally:
        for process in (worker, server):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _start_worker(workdir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A Celery worker for the billing journey, on the same embedded broker (a SQLite file in the work directory)."""
    mess_cli = shutil.which("mess", path=str(Path(sys.executable).parent)) or "mess"
    env = {**env, "MESS_WORKER_METRICS_PORT": str(free_port())}
    return subprocess.Popen(
        [mess_cli, "worker", "--concurrency", "1"],
        cwd=workdir,
        env=env,
        stdout=(workdir / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="package")  # stopped when the e2e tests end: its loop must not outlive them
def browser(chromium_path: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def signed_in(browser) -> dict[str, dict[str, list[Any]]]:  # type: ignore[no-untyped-def]
    """base URL -> login -> the cookies the sign-in form gave that login on this browser (tests.support.browser)."""
    return {}


@pytest.fixture
def site(served, browser, signed_in):  # type: ignore[no-untyped-def]
    """(base URL, fixture, open_page(login, *, javascript=True) -> signed-in page)."""
    base, fixture = served
    contexts = []
    violations: list[str] = []

    def open_page(  # type: ignore[no-untyped-def]
        login: str, *, javascript: bool = True, phone: bool = True, clock: datetime | None = None
    ):
        """A new browser context signed in as `login`, on the home page the sign-in form sends that login to.
        The first time a login signs in on this browser it goes through the form; later contexts get the cookies the
        form gave and open the home page (a context with a `clock` always uses the form).
        `clock`: the device's clock reads this time (then runs on) from before signing in."""
        viewport = {"width": 412, "height": 915} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(base_url=base, java_script_enabled=javascript, viewport=viewport)
        contexts.append(context)
        if clock is not None:
            context.clock.install(time=clock)
        page = context.new_page()
        # The strict CSP must never have to refuse anything our own pages do (inline script, style, eval).
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda error: violations.append(str(error)))
        sign_in(page, login, signed_in.setdefault(base, {}), through_the_form=clock is not None)
        return page

    yield base, fixture, open_page
    for context in contexts:
        context.close()
    assert not violations, violations
