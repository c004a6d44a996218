"""Concurrency against a real server process on PostgreSQL: racing toggles and racing check-ins."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from mess.db.migrate import upgrade
from tests.support.procs import MessServer, mess_env
from tests.support.services import PrivatePostgres
from tests.support.world import build_world, future_days

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TOGGLES = 50
CHECKINS = 200


@pytest.fixture(scope="module")
def live(private_pg: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MessServer, str]]:
    """One migrated database and one `mess serve` for the module's tests (each test makes its own mess)."""
    workdir: Path = tmp_path_factory.mktemp("concurrency")
    url = private_pg.createdb("concurrency")
    upgrade(url)
    server = MessServer(mess_env(url), workdir)
    try:
        server.start()
        yield server, url
    finally:
        server.stop()


def _client(server: MessServer) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=CHECKINS, max_keepalive_connections=CHECKINS)
    return httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits)


async def test_racing_toggles_of_one_meal_leave_one_consistent_row(
    live: tuple[MessServer, str], private_pg: PrivatePostgres
) -> None:
    server, url = live
    world = await build_world(url, max_guests=60)
    resident = world.resident
    day = future_days(1)[0].isoformat()
    path = f"/api/v1/bookings/{day}/lunch"
    # Every booking carries a different number of guests; odd calls cancel.
    wanted = [("booked", i // 2 + 1) if i % 2 == 0 else ("cancelled", 0) for i in range(TOGGLES)]

    async with _client(server) as http:

        async def toggle(state: tuple[str, int]) -> httpx.Response:
            if state[0] == "booked":
                return await http.put(path, json={"guests": state[1]}, headers=resident.headers)
            return await http.delete(path, headers=resident.headers)

        responses = await asyncio.gather(*(toggle(state) for state in wanted))
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {200: TOGGLES}, [r.text for r in responses if r.status_code != 200][:3]
        for state, response in zip(wanted, responses, strict=True):
            body = response.json()
            assert (body["booked"], body["guests"]) == (state[0] == "booked", state[1])

        listed = await http.get(f"/api/v1/bookings?from={day}&to={day}", headers=resident.headers)
        assert listed.status_code == 200, listed.text
        api_lunch = next(row for row in listed.json() if row["slot"] == "lunch")

    rows = private_pg.psql(
        url.rsplit("/", 1)[1],
        "SELECT b.status, b.guests FROM booking b JOIN slot s ON s.id = b.slot_id "
        f"WHERE b.resident_id = {resident.actor.resident_id} AND b.meal_date = '{day}' AND s.code = 'lunch'",
    ).split()
    assert len(rows) == 1, f"expected exactly one row, found {rows}"
    status, guests = rows[0].split("|")
    final = (status, int(guests))
    assert final in wanted, f"the row {final} is none of the requested states"
    assert (api_lunch["booked"], api_lunch["guests"], api_lunch["source"]) == (
        status == "booked",
        int(guests),
        "explicit",
    )


async def test_racing_checkins_of_one_resident_admit_exactly_once(
    live: tuple[MessServer, str], private_pg: PrivatePostgres
) -> None:
    server, url = live
    world = await build_world(url)  # opt_out: every meal is booked
    resident = world.resident
    # A meal that is over (two local days ago): a warden records it as a correction, the counter path for the past.
    day = (datetime.now(UTC).astimezone(ZoneInfo("Asia/Kolkata")).date() - timedelta(days=2)).isoformat()
    body = {"roll_no": resident.roll_no, "date": day, "slot": "dinner", "reason": "counter tablet was offline"}

    async with _client(server) as http:
        responses = await asyncio.gather(
            *(http.post("/api/v1/checkins", json=body, headers=world.warden.headers) for _ in range(CHECKINS))
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: CHECKINS}, [r.text for r in responses if r.status_code != 200][:3]
    results = Counter(r.json()["result"] for r in responses)
    assert results == {"ok": 1, "duplicate": CHECKINS - 1}
    assert sum(r.json()["accepted"] for r in responses) == 1

    counts = private_pg.psql(
        url.rsplit("/", 1)[1],
        "SELECT count(*) FILTER (WHERE c.admitted), count(*) FROM checkin c JOIN slot s ON s.id = c.slot_id "
        f"WHERE c.resident_id = {resident.actor.resident_id} AND c.meal_date = '{day}' AND s.code = 'dinner'",
    ).strip()
    assert counts == f"1|{CHECKINS}", f"admitted|attempts = {counts}"
