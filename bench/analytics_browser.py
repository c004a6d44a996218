"""Analytics in Chromium (PRODUCT 7.6): the time from opening each page to its first chart drawn, and axe-core's
violations on each page. Serves `mess analytics` on a fresh PostgreSQL database with the demo seed, signs in by
the web app's cookie, opens every page a few times. Prints figures; asserts nothing (no timing in tests).

What it measures: first, a first visit ever (empty browser cache, the server just started); then the server
restarts on the same origin and the browser, its cache kept, opens the overview (the first visit after a server
start as a returning warden sees it); then every page `--runs` times, each a whole load of the app. The server
warms nothing but its imports (analytics/serve.py): no report is computed before a visitor asks for it.

    .venv/bin/python bench/analytics_browser.py [--residents 300] [--days 90] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import analytics_server, free_port, server, warden_page  # noqa: E402
from bench.forecast_backtest import _admin  # noqa: E402
from mess.auth.actor import Actor  # noqa: E402
from mess.auth.tokens import issue_access_token  # noqa: E402
from mess.config import Settings  # noqa: E402
from mess.db.engine import Database  # noqa: E402
from mess.db.migrate import upgrade  # noqa: E402
from mess.kit.dates import local_today  # noqa: E402
from mess.models import UserAccount  # noqa: E402
from mess.rollups.service import rebuild_rollups  # noqa: E402
from mess.seed.service import seed_demo  # noqa: E402

ADMIN_URL = os.environ.get("MESS_BENCH_PG_ADMIN_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
AXE = ROOT / "tests" / "support" / "vendor" / "axe.min.js"
PAGES = ["", "consumption", "no_shows", "cost", "waste", "ratings", "forecast"]
FIRST_CHART = '[data-testid="stPlotlyChart"] .main-svg'
AXE_RUN = """async () => {
  const result = await axe.run(document);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} x${v.nodes.length} at ` +
    v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", "));
}"""
TARGET_SECONDS = 1.5


async def seed(url: str, residents: int, days: int, now: datetime) -> Actor:
    database = Database(Settings(database_url=url), null_pool=True)
    try:
        async with database.transaction() as session:
            counts = await seed_demo(session, residents=residents, days=days, now=now)
        today = local_today(now, "Asia/Kolkata")
        async with database.transaction() as session:
            await rebuild_rollups(session, counts["mess_id"], today - timedelta(days=days), today, now)
        async with database.read_only() as session:
            warden = (await session.execute(select(UserAccount).where(UserAccount.login == "warden"))).scalar_one()
        return Actor(warden.id, "warden", warden.mess_id, warden.login, warden.name)
    finally:
        await database.dispose()


def first_chart(page: Any, url: str) -> float:
    """Seconds from navigating to `url` (a whole load of the Streamlit app) to its first chart drawn."""
    started = time.perf_counter()
    page.goto(url, timeout=60_000)
    page.wait_for_selector(FIRST_CHART, timeout=60_000)
    return time.perf_counter() - started


def floor(page: Any, runs: int) -> float:
    """The median first chart of bench/streamlit_floor.py, served like the app (its cache is another origin's)."""
    port = free_port()
    argv = [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "streamlit_floor.py"), "--server.port"]
    argv += [str(port), "--server.baseUrlPath", "analytics", "--server.address", "127.0.0.1"]
    argv += ["--server.headless", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    with server(argv, {}, port, "/analytics/_stcore/health", quiet=True) as base:
        first_chart(page, f"{base}/analytics/")  # fills the browser's cache for this origin
        return statistics.median(first_chart(page, f"{base}/analytics/") for _ in range(runs))


def measure(url: str, warden: Actor, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    secret = "bench-secret-key-0123456789-0123456789"
    port = free_port()
    token = issue_access_token(warden, secret, datetime.now(UTC), 60)
    with sync_playwright() as playwright:
        page = warden_page(playwright, token)
        alone = floor(page, runs)
        # A warden's first visit ever: an empty browser cache (Streamlit's scripts, Plotly's 4.7 MB) and a server
        # that has just started. Then the server restarts on the same port (origin), the browser keeps its cache.
        with analytics_server(url, secret, port) as app:
            empty = first_chart(page, f"{app}/")
        with analytics_server(url, secret, port) as app:
            print("\nfirst chart drawn, seconds from navigation (each a whole load of the app, as a typed URL)")
            print(f"  first visit after a server start, empty browser cache  {empty:5.2f} s (overview)")
            kept = first_chart(page, f"{app}/")
            print(f"  first visit after a server start, browser cache kept   {kept:5.2f} s (overview)")
            print(f"  Streamlit and Plotly alone (a 3-bar chart, no sign-in or data), median of {runs}  {alone:5.2f} s")
            print(f"per page: median of {runs} visits (but for the overview's, the first of them is the page's first")
            print(f"since the server started); target {TARGET_SECONDS} s")
            found: dict[str, list[str]] = {}
            for path in PAGES:
                times = [first_chart(page, f"{app}/{path}") for _ in range(runs)]
                median = statistics.median(times)
                verdict = "within" if median < TARGET_SECONDS else "OVER"
                each = ", ".join(f"{t:.2f}" for t in times)
                print(f"  {path or 'overview':<12} {median:6.2f} s  (visits {each}) {verdict}")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)  # the rest of the page
                page.evaluate(AXE.read_text(encoding="utf-8"))
                found[path or "overview"] = page.evaluate(AXE_RUN)
        page.context.browser.close()
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\naxe-core violations per page")
    for name, violations in found.items():
        print(f"  {name:<12} {len(violations)}")
        for line in violations:
            print(f"      {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    name = f"mess_bench_analytics_browser_{os.getpid()}"
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(url)
        warden = asyncio.run(seed(url, args.residents, args.days, datetime.now(UTC)))
        measure(url, warden, args.runs)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
