"""axe-core (tests/support/vendor, pinned) on every analytics page in Chromium: `mess analytics` serving the demo
seed from PostgreSQL, a warden signed in by the web app's cookie. Every page must find nothing (PRODUCT 7.5's
"pages a warden reads"; the time to the first chart is measured by bench/analytics_browser.py, not here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.aio import run_sync
from mess.kit.dates import local_today
from mess.models import UserAccount
from mess.rollups.service import rebuild_rollups
from mess.seed.service import seed_demo
from tests.support.databases import temporary_pg_database
from tests.support.procs import ROOT, free_port

AXE = ROOT / "tests" / "support" / "vendor" / "axe.min.js"
SECRET = "analytics-axe-secret-key-long-enough-0123456789"
PAGES = ["", "consumption", "no_shows", "cost", "waste", "ratings", "forecast"]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
AXE_RUN = """async () => {
  const result = await axe.run(document);
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
      v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")),
  };
}"""


async def _seed(url: str, now: datetime) -> Actor:
    database = Database(Settings(environment="test", database_url=url, secret_key=SECRET), null_pool=True)
    try:
        async with database.transaction() as session:
            counts = await seed_demo(session, residents=40, days=40, now=now)
        today = local_today(now, "Asia/Kolkata")
        async with database.transaction() as session:
            await rebuild_rollups(session, counts["mess_id"], today - timedelta(days=40), today, now)
        async with database.read_only() as session:
            warden = (await session.execute(select(UserAccount).where(UserAccount.login == "warden"))).scalar_one()
        return Actor(warden.id, "warden", warden.mess_id, warden.login, warden.name)
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def analytics(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[tuple[str, str]]:
    """(base URL, a warden's session token) of `mess analytics` on a seeded database of its own."""
    workdir = tmp_path_factory.mktemp("analytics-axe")
    with temporary_pg_database() as url:
        now = datetime.now(UTC)  # the app reads the wall clock: the history ends today
        warden = run_sync(_seed(url, now))
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MESS_")},
            "MESS_ENVIRONMENT": "test",
            "MESS_DATABASE_URL": url,
            "MESS_SECRET_KEY": SECRET,
            "MESS_WEB_HOST": "127.0.0.1",
        }
        log = (workdir / "analytics.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "analytics", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}/analytics"
        try:
            for _ in range(600):
                if server.poll() is not None:
                    raise RuntimeError(f"mess analytics exited: {Path(workdir / 'analytics.log').read_text()[-2000:]}")
                try:
                    if httpx.get(f"{base}/_stcore/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            else:
                raise RuntimeError("mess analytics did not become healthy")
            yield base, issue_access_token(warden, SECRET, datetime.now(UTC), 60)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


def test_axe_finds_nothing_on_the_analytics_pages(analytics, browser):
    base, token = analytics
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "mess_session", "value": token, "domain": "127.0.0.1", "path": "/"}])
    page: Any = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            page.goto(f"{base}/{path}", timeout=120_000)
            page.wait_for_selector(CHART, timeout=120_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
            page.evaluate(AXE.read_text(encoding="utf-8"))
            report = page.evaluate(AXE_RUN)
            assert report["passes"] > 10, f"axe checked next to nothing on {path or 'overview'}"
            found[path or "overview"] = report["violations"]
    finally:
        context.close()
    assert found == {name: [] for name in found}, found
