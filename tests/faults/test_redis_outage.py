"""Redis (the Celery broker) stopped: bookings and pages keep working; starting a billing run answers 503
`broker_unavailable` with a clear message, and billing works again once Redis is back."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.support.procs import CeleryWorker, MessServer
from tests.support.services import PrivateRedis
from tests.support.world import LiveWorld, build_world, future_days

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
RUN_DEADLINE = 180  # seconds for a billing run on one resident to finish once Redis is back


def previous_month() -> str:
    first = datetime.now(UTC).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


async def book_through_the_page(base_url: str, world: LiveWorld, day: date, guests: int) -> httpx.Response:
    """What a resident's phone does: open the week, post the meal's form (with its CSRF token)."""
    cookies = {"mess_session": world.resident.token}
    async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=30) as browser:
        page = await browser.get(f"/week?start={day.isoformat()}")
        assert page.status_code == 200, page.text[:500]
        assert f'id="m-{day.isoformat()}-lunch"' in page.text
        token = CSRF_FIELD.search(page.text)
        assert token, "the week page has no CSRF field"
        return await browser.post(
            f"/week/{day.isoformat()}/lunch",
            data={"action": "book", "guests": str(guests), "csrf_token": token.group(1)},
        )


async def lunch(http: httpx.AsyncClient, world: LiveWorld, day: date) -> tuple[bool, int]:
    listed = await http.get(f"/api/v1/bookings?from={day}&to={day}", headers=world.resident.headers)
    assert listed.status_code == 200, listed.text
    row = next(r for r in listed.json() if r["slot"] == "lunch")
    return row["booked"], row["guests"]


async def test_bookings_and_pages_keep_working_while_redis_is_down(
    pg_url: str, private_redis: PrivateRedis, start_server: Callable[..., MessServer]
) -> None:
    world = await build_world(pg_url)
    server = start_server(pg_url, redis_url=private_redis.url)
    days = future_days(2)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        private_redis.stop()

        # Liveness stays ok (readiness reports the broker; see docs/reliability.md on what it should gate).
        assert (await http.get("/healthz")).status_code == 200
        ready = await http.get("/readyz")
        assert ready.json()["broker"] is False and ready.json()["database"] is True, ready.text

        booked = await http.put(f"/api/v1/bookings/{days[0]}/lunch", json={"guests": 2}, headers=world.resident.headers)
        assert booked.status_code == 200, booked.text
        cancelled = await http.delete(f"/api/v1/bookings/{days[0]}/dinner", headers=world.resident.headers)
        assert cancelled.status_code == 200, cancelled.text
        assert await lunch(http, world, days[0]) == (True, 2)

        posted = await book_through_the_page(server.base_url, world, days[1], 1)
        assert posted.status_code in (200, 303), posted.text[:500]
        assert await lunch(http, world, days[1]) == (True, 1)

        private_redis.start()
        deadline = time.monotonic() + 30
        while (await http.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, "readiness did not recover after Redis came back"
            await asyncio.sleep(0.2)


async def test_billing_run_answers_503_while_redis_is_down_and_works_when_it_is_back(
    pg_url: str,
    private_redis: PrivateRedis,
    start_server: Callable[..., MessServer],
    start_worker: Callable[..., CeleryWorker],
) -> None:
    world = await build_world(pg_url)
    server = start_server(pg_url, redis_url=private_redis.url)
    worker = start_worker(pg_url, redis_url=private_redis.url)
    warden = world.warden.headers
    month = previous_month()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        for slot in ("breakfast", "lunch", "snacks", "dinner"):
            price = await http.post(
                "/api/v1/prices",
                json={
                    "slot": slot,
                    "price": 4000,
                    "guest_price": 6000,
                    "walk_in_price": 7000,
                    "effective_from": "2025-01-01",
                },
                headers=warden,
            )
            assert price.status_code == 201, price.text

        private_redis.stop()
        refused = await http.post("/api/v1/billing/runs", json={"month": month}, headers=warden)
        assert refused.status_code == 503, refused.text
        body = refused.json()
        assert body["code"] == "broker_unavailable"
        assert isinstance(body["detail"], str) and len(body["detail"]) > 10

        private_redis.start()
        accepted = await http.post("/api/v1/billing/runs", json={"month": month}, headers=warden)
        assert accepted.status_code == 202, accepted.text
        run_id = accepted.json()["id"]
        deadline = time.monotonic() + RUN_DEADLINE
        while True:
            run = await http.get(f"/api/v1/billing/runs/{run_id}", headers=warden)
            assert run.status_code == 200, run.text
            if run.json()["status"] in ("succeeded", "failed"):
                break
            assert time.monotonic() < deadline, f"run still {run.json()} after {RUN_DEADLINE} s:\n{worker.log_tail()}"
            await asyncio.sleep(0.5)
        assert run.json()["status"] == "succeeded", run.json()

        bills = await http.get(f"/api/v1/bills?month={month}", headers=warden)
        assert bills.status_code == 200, bills.text
        assert [b["resident_id"] for b in bills.json()] == [world.resident.actor.resident_id]
        assert bills.json()[0]["total"] > 0
