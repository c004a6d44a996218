"""Headcount of one meal for a mess of 10,000 residents (PostgreSQL): the aggregate query alone and the whole
headcount the counter screen asks for (booked by diet, check-ins, forecast, frozen snapshot). Target: < 5 ms median.

    python -m bench.headcount [--residents 10000] [--days 14] [--repeat 300]"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from bench.common import machine, temporary_database
from mess.config import Settings
from mess.db.engine import Database
from mess.headcount import repository
from mess.headcount.service import meal_headcount
from mess.kit.dates import local_today
from mess.models import Mess, Slot
from mess.seed.service import seed_demo


async def measure(url: str, residents: int, days: int, repeat: int) -> dict[str, Any]:
    database = Database(Settings(database_url=url))
    now = datetime.now(UTC)
    started = time.perf_counter()
    async with database.transaction() as session:
        await seed_demo(session, residents=residents, days=days, now=now)
    seeded = time.perf_counter() - started
    async with database.transaction() as session:
        await session.execute(text("ANALYZE"))
    async with database.read_only() as session:
        mess = (await session.execute(select(Mess))).scalar_one()
        slot = (await session.execute(select(Slot).where(Slot.code == "lunch"))).scalar_one()
        day = local_today(now, mess.timezone) + timedelta(days=1)
        query_ms, service_ms = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            await repository.meal_counts(session, mess.id, True, day, slot.id)
            t1 = time.perf_counter()
            result = await meal_headcount(session, mess, slot, day)
            t2 = time.perf_counter()
            query_ms.append((t1 - t0) * 1000)
            service_ms.append((t2 - t1) * 1000)
    await database.dispose()
    return {
        "residents": residents,
        "booked": result.booked,
        "seed_s": seeded,
        "query_median_ms": statistics.median(query_ms),
        "query_p95_ms": statistics.quantiles(query_ms, n=20)[-1],
        "service_median_ms": statistics.median(service_ms),
        "service_p95_ms": statistics.quantiles(service_ms, n=20)[-1],
    }


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=10000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=300)
    args, _ = parser.parse_known_args()
    with temporary_database("bench_headcount") as url:
        r = asyncio.run(measure(url, args.residents, args.days, args.repeat))
    print(f"machine: {machine()}")
    print(f"headcount, {r['residents']} residents ({r['booked']} booked for tomorrow's lunch)")
    print(f"  aggregate query  median {r['query_median_ms']:.2f} ms  p95 {r['query_p95_ms']:.2f} ms")
    print(
        f"  whole headcount  median {r['service_median_ms']:.2f} ms  p95 {r['service_p95_ms']:.2f} ms  (target: < 5 ms)"
    )
    verdict = "met" if r["service_median_ms"] < 5 else "not met"
    print(
        f"SUMMARY | headcount, {r['residents']} residents | median {r['service_median_ms']:.1f} ms "
        f"(aggregate {r['query_median_ms']:.1f} ms) | < 5 ms median | {verdict} |"
    )
    return r


if __name__ == "__main__":
    main()
