"""Resident week page: server time and bytes on the wire, against `mess serve` on PostgreSQL with the demo mess
(2,000 residents, 60 days of history). Targets: < 30 ms median server time, < 50 KB transferred (the page and
everything it loads), no third-party requests.

    python -m bench.week_page [--residents 2000] [--repeat 200]"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from bench.common import SECRET, bin_path, free_port, machine, server, temporary_database
from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.models import Resident
from mess.seed.service import seed_demo


async def prepare(url: str, residents: int) -> str:
    database = Database(Settings(database_url=url), null_pool=True)
    now = datetime.now(UTC)
    async with database.transaction() as session:
        await seed_demo(session, residents=residents, days=60, now=now)
    async with database.read_only() as session:
        resident = (await session.execute(select(Resident).where(Resident.roll_no == "R0001"))).scalar_one()
    await database.dispose()
    actor = Actor(resident.user_id, "resident", resident.mess_id, resident.roll_no, resident.name, resident.id)
    return issue_access_token(actor, SECRET, now, 600)


def measure(base: str, token: str, repeat: int) -> dict[str, Any]:
    cookies = {"mess_session": token}
    headers = {"Accept-Encoding": "gzip"}
    with httpx.Client(base_url=base, cookies=cookies, headers=headers, timeout=10) as client:
        for _ in range(10):  # warm up
            client.get("/week")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/week")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        html = response.text
        page_bytes = len(response.content if "content-encoding" not in response.headers else response.read())
        wire = int(response.headers.get("content-length") or page_bytes)
        assets = re.findall(r'(?:src|href)="([^"#]+)"', html)
        third_party = [a for a in assets if re.match(r"^(https?:)?//", a) and base not in a]
        asset_bytes = 0
        for asset in {a for a in assets if a.startswith("/static/")}:
            got = client.get(asset)
            asset_bytes += int(got.headers.get("content-length") or len(got.content))
    return {
        "median_ms": statistics.median(times),
        "p95_ms": statistics.quantiles(times, n=20)[-1],
        "html_wire_bytes": wire,
        "asset_wire_bytes": asset_bytes,
        "third_party": third_party,
    }


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    args, _ = parser.parse_known_args()
    with temporary_database("bench_week") as url:
        token = asyncio.run(prepare(url, args.residents))
        port = free_port()
        env = {"MESS_DATABASE_URL": url, "MESS_SECRET_KEY": SECRET, "MESS_ENVIRONMENT": "production"}
        argv = [bin_path("mess"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        with server(argv, env, port) as base:
            r = measure(base, token, args.repeat)
    total_kb = (r["html_wire_bytes"] + r["asset_wire_bytes"]) / 1024
    print(f"machine: {machine()}")
    print(f"resident week page, demo mess of {args.residents} residents, {args.repeat} requests (gzip)")
    print(
        f"  time per request (loopback, one server process): median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
    )
    print(
        f"  transferred: page {r['html_wire_bytes'] / 1024:.1f} KB + assets {r['asset_wire_bytes'] / 1024:.1f} KB "
        f"= {total_kb:.1f} KB; third-party requests: {len(r['third_party'])}"
    )
    ok = r["median_ms"] < 30 and total_kb < 50 and not r["third_party"]
    print(
        f"SUMMARY | resident week page | median {r['median_ms']:.1f} ms, {total_kb:.1f} KB, "
        f"{len(r['third_party'])} third-party | < 30 ms, < 50 KB, none | {'met' if ok else 'not met'} |"
    )
    return r


if __name__ == "__main__":
    main()
