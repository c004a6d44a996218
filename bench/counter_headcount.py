"""How soon the counter pages show a new headcount (PRODUCT 7.6: within 0.5 s on the counter that checked in).

Two Chromium pages signed in as staff of one mess, both on /counter, against a `mess serve` process (SQLite).
Counter A checks residents in one by one (typing the roll number, Enter); each page watches its own
`#hc-in` with a MutationObserver. Per check-in:

- same counter: from the key press on A to A showing the new count (the check-in's answer carries it, out of band);
- second counter: from that key press to B showing it (B polls /counter/headcount every 2 s: short polling,
  not server-sent events, so any worker process of any server answers without a shared channel).

    python -m bench.counter_headcount [--checkins 20]"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import SECRET, free_port, machine, server
from mess.config import Settings
from mess.db.engine import Database
from mess.db.migrate import upgrade
from mess.kit.clock import FixedClock
from mess.messes.schemas import SlotIn
from tests.factories import PASSWORD, World

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
TZ = "Asia/Kolkata"


async def build(url: str, residents: int) -> list[str]:
    settings = Settings(environment="test", database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    database = Database(settings, null_pool=True)
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo(TZ))
    start = max(datetime.combine(local.date(), clock_time(0, 0)), local.replace(tzinfo=None) - timedelta(hours=1))
    slot = SlotIn(
        code="now",
        name="Now",
        serve_start=start.time().replace(second=0, microsecond=0),
        serve_end=clock_time(23, 59, 59),
    )
    world = World(database, settings, FixedClock(now))
    mess = await world.mess("BENCH", [slot], timezone=TZ)
    await world.user("staff", mess.id, login="staff-bench")
    rolls = [
        (await world.resident(mess.id, roll_no=f"B{i:04d}", active_from=local.date() - timedelta(days=30))).roll_no
        for i in range(residents)
    ]
    await database.dispose()
    return rolls


WATCH = """() => {
  window.__seen = {};
  const watch = () => {
    const el = document.getElementById('hc-in');
    if (el && !(el.textContent in window.__seen)) window.__seen[el.textContent] = Date.now();
  };
  const all = {subtree: true, childList: true, characterData: true};
  new MutationObserver(watch).observe(document.getElementById('headcount'), all);
  watch();
}"""


def run(checkins: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench_counter_"))
    url = f"sqlite+aiosqlite:///{workdir / 'mess.db'}"
    upgrade(url)
    rolls = asyncio.run(build(url, checkins))
    port = free_port()
    mess_cli = shutil.which("mess", path=str(Path(sys.executable).parent)) or "mess"
    env = {"MESS_ENVIRONMENT": "test", "MESS_DATABASE_URL": url, "MESS_SECRET_KEY": SECRET, "MESS_LOG_LEVEL": "WARNING"}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MESS_")}, **env}
    same: list[float] = []
    other: list[float] = []
    try:
        with (
            server(
                [mess_cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"], env, port
            ) as base,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            pages = []
            for _ in range(2):
                page = browser.new_context(base_url=base).new_page()
                page.goto("/login")
                page.fill("#username", "staff-bench")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit].primary")
                page.goto("/counter")
                page.wait_for_selector("#hc-in")
                page.evaluate(WATCH)
                pages.append(page)
            a, b = pages
            for n, roll in enumerate(rolls, start=1):
                time.sleep(random.uniform(0.2, 2.2))  # arrivals fall anywhere in B's polling interval
                a.fill("#code", roll)
                pressed = a.evaluate("Date.now()")
                a.press("#code", "Enter")
                a.wait_for_function("n => window.__seen[n] !== undefined", arg=str(n))
                b.wait_for_function("n => window.__seen[n] !== undefined", arg=str(n), timeout=10_000)
                same.append(a.evaluate("n => window.__seen[n]", str(n)) - pressed)
                other.append(b.evaluate("n => window.__seen[n]", str(n)) - pressed)
            browser.close()
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)
    return {"same": same, "other": other}


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkins", type=int, default=20)
    args, _ = parser.parse_known_args()
    r = run(args.checkins)
    print(f"machine: {machine()}")
    for key, label in (("same", "same counter  "), ("other", "second counter")):
        values = r[key]
        print(
            f"  {label} median {statistics.median(values):.0f} ms  max {max(values):.0f} ms  ({len(values)} check-ins)"
        )
    verdict = "met" if max(r["same"]) < 500 else "not met"
    print(
        f"SUMMARY | counter headcount | same counter median {statistics.median(r['same']):.0f} ms "
        f"(max {max(r['same']):.0f}), second counter median {statistics.median(r['other']):.0f} ms "
        f"(max {max(r['other']):.0f}, polling every 2 s) | same counter < 500 ms | {verdict} |"
    )
    return r


if __name__ == "__main__":
    main()
