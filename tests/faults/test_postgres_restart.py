"""PostgreSQL restarted under booking traffic: the app recovers by itself and no acknowledged booking is lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from tests.faults.traffic import Traffic, booking_lane, expected_states
from tests.support.procs import MessServer
from tests.support.services import PrivatePostgres
from tests.support.world import build_world, future_days

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LANES = 4
MAX_CALLS_PER_LANE = 2_000
WARMUP_SUCCESSES = 40  # acknowledged calls before the restart
AFTER_SUCCESSES = 60  # acknowledged calls that must follow the restart
DEADLINE_SECONDS = 120  # the whole traffic phase, restart included, never runs longer


def db_states(pg: PrivatePostgres, url: str, resident_id: int) -> dict[tuple[date, str], tuple[str, int]]:
    rows = pg.psql(
        url.rsplit("/", 1)[1],
        "SELECT b.meal_date, s.code, b.status, b.guests FROM booking b JOIN slot s ON s.id = b.slot_id "
        f"WHERE b.resident_id = {int(resident_id)}",
    )
    out = {}
    for line in rows.splitlines():
        day, slot, status, guests = line.split("|")
        out[(date.fromisoformat(day), slot)] = (status, int(guests))
    return out


async def _wait(predicate, deadline: float, what: str) -> None:
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"deadline reached waiting for {what}")
        await asyncio.sleep(0.05)


async def test_app_survives_postgres_restart_without_losing_acknowledged_bookings(
    private_pg: PrivatePostgres, pg_url: str, start_server: Callable[..., MessServer]
) -> None:
    world = await build_world(pg_url)
    server = start_server(pg_url)
    server_pid = server.pid
    resident = world.resident
    days = future_days(3)
    slots = ["breakfast", "lunch", "snacks", "dinner"]
    meals = [(day, slot) for day in days for slot in slots]
    lanes = [meals[i::LANES] for i in range(LANES)]

    traffic = Traffic()
    deadline = time.monotonic() + DEADLINE_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as http:
        workers = [
            asyncio.create_task(
                booking_lane(http, traffic, lane, resident.headers, max_calls=MAX_CALLS_PER_LANE, seed=i)
            )
            for i, lane in enumerate(lanes)
        ]
        try:
            await _wait(lambda: traffic.successes_since(0) >= WARMUP_SUCCESSES, deadline, "warm-up traffic")
            restart_started = time.monotonic()
            restart_seconds = await private_pg.arestart()
            restart_ended = time.monotonic()
            await _wait(
                lambda: traffic.successes_since(restart_ended) >= AFTER_SUCCESSES,
                deadline,
                f"{AFTER_SUCCESSES} acknowledged bookings after PostgreSQL came back (so far: {traffic.summary()})",
            )
        finally:
            traffic.stop.set()
            await asyncio.gather(*workers)

        # The same server process recovered by itself.
        assert server.running and server.pid == server_pid
        ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text

    # No acknowledged booking is lost: every meal holds its last acknowledged state (or that of a later call whose
    # outcome the client could not know).
    stored = db_states(private_pg, pg_url, resident.actor.resident_id or 0)
    expected = expected_states(traffic.calls)
    assert expected, "no acknowledged calls at all"
    lost = {meal: (stored.get(meal), allowed) for meal, allowed in expected.items() if stored.get(meal) not in allowed}
    assert not lost, f"acknowledged bookings lost (stored, allowed): {lost}"

    # During the outage the app answers 503 with a clear error (never a bare 500, never a dropped connection).
    failures = traffic.failures()
    unclear = [c for c in failures if c.status != 503 or c.code != "database_unavailable"]
    assert not unclear, f"unclear failures during the outage: {traffic.summary()}"

    first_ok_after = min((c.ended for c in traffic.calls if c.ok and c.started >= restart_ended), default=None)
    assert first_ok_after is not None
    print(
        f"\n[pg-restart] calls={len(traffic.calls)} outcomes={dict(traffic.summary())} "
        f"restart={restart_seconds:.2f}s (stop+start) "
        f"outage_failures={len(failures)} "
        f"first_ack_after_restart={first_ok_after - restart_ended:.3f}s "
        f"window={restart_ended - restart_started:.2f}s"
    )
