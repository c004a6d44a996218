"""Headcount of one meal for a mess of 10,000 residents (PostgreSQL). Target: < 5 ms median, server side.

Measured, each as a median over --repeat rounds, tomorrow's lunch of the demo mess (opt_out):

- request: the whole GET /api/v1/headcount?date=&slot= handled by the app in this process -- middleware, token,
  the request's own transaction (BEGIN ... COMMIT), mess and slot lookups, the counts, the forecast, the frozen
  snapshot, JSON -- called as ASGI, so no network and no HTTP client is in the figure. This is the SUMMARY.
- service: mess.headcount.service.meal_headcount with the mess and slot already loaded, in one open session.
- aggregate: the one-statement GROUP BY over every resident (repository.meal_counts), the reference the live
  counts are checked against and the fallback when the roster moves under a request.
- after a roster change: one resident's diet changes (committed), then one request is timed; the first request
  after any change to residents or approved leaves counts the roster of the day again.
- a served meal: the same request for yesterday's lunch, with its check-ins (the demo's ~5,000, written in
  resident order, so spread over the table far more than a real meal's arrivals) and leaves. Informational.

    python -m bench.headcount [--residents 10000] [--days 14] [--repeat 300]"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update

from bench.common import SECRET, machine, temporary_database
from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.headcount import repository
from mess.headcount.service import meal_headcount
from mess.kit.dates import local_today
from mess.models import Mess, Resident, Slot, UserAccount
from mess.seed.service import seed_demo
from web.main import create_app

ROSTER_CHANGES = 40


def asgi_get(app: Any, path: str, query: str, headers: dict[str, str]) -> Callable[[], Awaitable[tuple[int, bytes]]]:
    """A GET request handed straight to the ASGI app, as a server would after parsing it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def call() -> tuple[int, bytes]:
        received = False
        status, body = 0, []

        async def receive() -> dict[str, Any]:
            nonlocal received
            if not received:
                received = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client stays connected (cancelled when the response is done)
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await app(dict(scope), receive, send)
        return status, b"".join(body)

    return call


async def timed(repeat: int, fn: Callable[[], Awaitable[Any]]) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


async def measure(url: str, residents: int, days: int, repeat: int) -> dict[str, Any]:
    settings = Settings(database_url=url, secret_key=SECRET)
    database = Database(settings)
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
        staff = (await session.execute(select(UserAccount).where(UserAccount.login == "staff"))).scalar_one()
        resident_id = (await session.execute(select(Resident.id).order_by(Resident.id).limit(1))).scalar_one()
    day = local_today(now, mess.timezone) + timedelta(days=1)
    token = issue_access_token(Actor(staff.id, "staff", mess.id, staff.login, staff.name), SECRET, now, 600)
    app = create_app(settings, database=database)
    request = asgi_get(
        app, "/api/v1/headcount", f"date={day.isoformat()}&slot=lunch", {"authorization": f"Bearer {token}"}
    )

    async def checked_request() -> dict[str, Any]:
        status, body = await request()
        assert status == 200, (status, body[:300])
        answer: dict[str, Any] = json.loads(body)
        return answer

    answer = await checked_request()
    async with database.read_only() as session:
        aggregate = await repository.meal_counts(session, mess.id, True, day, slot.id)
    assert answer["booked"] == sum(int(r.booked) for r in aggregate), (answer, aggregate)
    assert answer["residents"] == sum(int(r.residents) for r in aggregate)

    for _ in range(20):  # warm up
        await checked_request()
    request_ms = await timed(repeat, checked_request)
    async with database.read_only() as session:
        service_ms = await timed(repeat, lambda: meal_headcount(session, mess, slot, day, now))
        query_ms = await timed(repeat, lambda: repository.meal_counts(session, mess.id, True, day, slot.id))

    served = asgi_get(
        app,
        "/api/v1/headcount",
        f"date={(day - timedelta(days=2)).isoformat()}&slot=lunch",
        {"authorization": f"Bearer {token}"},
    )
    status, body = await served()
    assert status == 200, body[:300]
    served_answer = json.loads(body)
    served_ms = await timed(repeat // 3, served)

    changed_ms = []
    for i in range(ROSTER_CHANGES):
        async with database.transaction() as session:
            diet = "veg" if i % 2 else "egg"
            await session.execute(update(Resident).where(Resident.id == resident_id).values(diet=diet))
        changed_ms += await timed(1, checked_request)
    await database.dispose()
    return {
        "residents": residents,
        "booked": answer["booked"],
        "seed_s": seeded,
        "request": request_ms,
        "service": service_ms,
        "query": query_ms,
        "changed": changed_ms,
        "served": served_ms,
        "served_checked_in": served_answer["checked_in"],
        "served_on_leave": served_answer["on_leave"],
    }


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=10000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=300)
    args, _ = parser.parse_known_args()
    with temporary_database("bench_headcount") as url:
        r = asyncio.run(measure(url, args.residents, args.days, args.repeat))
    keys = ("request", "service", "query", "changed", "served")
    median = {key: statistics.median(r[key]) for key in keys}
    p95 = {key: statistics.quantiles(r[key], n=20)[-1] for key in keys}
    print(f"machine: {machine()}")
    print(f"headcount, {r['residents']} residents ({r['booked']} booked for tomorrow's lunch)")
    print(f"  request (ASGI, in process)  median {median['request']:.2f} ms  p95 {p95['request']:.2f} ms  (< 5 ms)")
    print(f"  service (meal_headcount)    median {median['service']:.2f} ms  p95 {p95['service']:.2f} ms")
    print(f"  aggregate (one statement)   median {median['query']:.2f} ms  p95 {p95['query']:.2f} ms")
    print(
        f"  first request after a roster change  median {median['changed']:.2f} ms  p95 {p95['changed']:.2f} ms "
        f"({ROSTER_CHANGES} changes)"
    )
    print(
        f"  a served meal (yesterday's lunch: {r['served_checked_in']} checked in, {r['served_on_leave']} on leave)  "
        f"median {median['served']:.2f} ms  p95 {p95['served']:.2f} ms"
    )
    verdict = "met" if median["request"] < 5 else "not met"
    print(
        f"SUMMARY | headcount, {r['residents']} residents | request median {median['request']:.1f} ms "
        f"(service {median['service']:.1f} ms, after a roster change {median['changed']:.1f} ms) "
        f"| < 5 ms median | {verdict} |"
    )
    return r


if __name__ == "__main__":
    main()
