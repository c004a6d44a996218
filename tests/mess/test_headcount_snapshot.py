"""Freezing the headcount at each cutoff: which meals, by diet, idempotent and safe when run twice at once;
plus the worker's gauges (unfrozen meals today, open serving windows). Service-level, both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from mess.headcount.service import freeze_due_meals, serving_windows, unfrozen_meals
from mess.models import HeadcountSnapshot
from tests.web.checkin_helpers import add_leave, book_for, cancel_for

NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata, 04:30 in Berlin


async def freeze(database, now: datetime) -> int:
    async with database.transaction() as session:
        return await freeze_due_meals(session, now)


async def snapshots(database) -> dict[tuple[str, int, str], tuple[int, int]]:
    async with database.transaction() as session:
        rows = (await session.execute(select(HeadcountSnapshot))).scalars()
        return {(row.meal_date.isoformat(), row.slot_id, row.diet): (row.booked, row.guests) for row in rows}


async def test_freezes_due_meals_by_diet_once(world, database):
    mess = await world.mess(booking_mode="opt_out")  # opened now, 2026-03-10 09:00 IST
    warden = await world.user("warden", mess.id)
    veg = await world.resident(mess.id, diet="veg")
    await world.resident(mess.id, diet="veg")
    jain = await world.resident(mess.id, diet="jain")
    egg = await world.resident(mess.id, diet="egg")
    await book_for(world, warden, veg, date(2026, 3, 10), "dinner", guests=3)
    await cancel_for(world, warden, egg, date(2026, 3, 10), "dinner")
    await add_leave(world, jain, date(2026, 3, 10), date(2026, 3, 10))
    slots = {slot.code: slot.id for slot in mess.slots}

    async with database.transaction() as session:
        assert await unfrozen_meals(session, NOW) == {mess.code: 4}
    # Cutoff 720 min: all four meals of the 10th have closed (dinner's at 07:30), tomorrow's breakfast closes 19:30.
    assert await freeze(database, NOW) == 4
    rows = await snapshots(database)
    assert len(rows) == 16  # four meals x four diets, zeros included
    assert rows[("2026-03-10", slots["dinner"], "veg")] == (2, 3)
    assert rows[("2026-03-10", slots["dinner"], "egg")] == (0, 0)
    assert rows[("2026-03-10", slots["dinner"], "jain")] == (0, 0)
    assert rows[("2026-03-10", slots["lunch"], "egg")] == (1, 0)
    assert rows[("2026-03-10", slots["lunch"], "non_veg")] == (0, 0)
    async with database.transaction() as session:
        assert await unfrozen_meals(session, NOW) == {mess.code: 0}

    # Running again changes nothing, even after a booking changed.
    await cancel_for(world, warden, veg, date(2026, 3, 10), "dinner")
    assert await freeze(database, NOW) == 0
    assert await snapshots(database) == rows

    # 19:31 IST: tomorrow's breakfast has closed and is frozen; the rest of tomorrow is not yet due.
    evening = datetime(2026, 3, 10, 14, 1, tzinfo=UTC)
    assert await freeze(database, evening) == 1
    after = await snapshots(database)
    assert after[("2026-03-11", slots["breakfast"], "veg")] == (2, 0)
    assert ("2026-03-11", slots["lunch"], "veg") not in after


async def test_catches_up_the_last_two_days_only(world, database):
    world.at(datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    mess = await world.mess()
    await world.resident(mess.id, diet="non_veg")
    assert await freeze(database, NOW) == 12  # the 8th, 9th and 10th; not the 7th or earlier
    async with database.transaction() as session:
        days = (await session.execute(select(HeadcountSnapshot.meal_date).distinct())).scalars()
        assert sorted(day.isoformat() for day in days) == ["2026-03-08", "2026-03-09", "2026-03-10"]
        frozen_at = (await session.execute(select(func.min(HeadcountSnapshot.frozen_at)))).scalar_one()
    assert frozen_at == NOW


async def test_each_mess_in_its_own_time_zone(world, database):
    kolkata = await world.mess(timezone="Asia/Kolkata")
    berlin = await world.mess(timezone="Europe/Berlin")
    async with database.transaction() as session:
        # 04:30 in Berlin: breakfast (cutoff 19:30 yesterday) and lunch (00:30) have closed, snacks (05:00) not.
        assert await unfrozen_meals(session, NOW) == {kolkata.code: 4, berlin.code: 2}
        windows = await serving_windows(session, NOW)
    assert (kolkata.code, "breakfast", True) in windows
    assert [w for w in windows if w[2]] == [(kolkata.code, "breakfast", True)]
    assert {(code, slot) for code, slot, _ in windows} == {
        (m.code, s) for m in (kolkata, berlin) for s in ("breakfast", "lunch", "snacks", "dinner")
    }
    assert await freeze(database, NOW) == 6
    async with database.transaction() as session:
        assert await unfrozen_meals(session, NOW) == {kolkata.code: 0, berlin.code: 0}
        later = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 07:00 Berlin: snacks' cutoff (05:00) has passed
        assert await unfrozen_meals(session, later) == {kolkata.code: 0, berlin.code: 1}
        lunch_kolkata = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 12:30 IST, 08:00 Berlin
        open_now = [w[:2] for w in await serving_windows(session, lunch_kolkata) if w[2]]
        assert open_now == [(kolkata.code, "lunch"), (berlin.code, "breakfast")]


async def test_two_freezes_at_once_store_one_snapshot(world, database):
    mess = await world.mess()
    await world.resident(mess.id)
    counts = await asyncio.gather(freeze(database, NOW), freeze(database, NOW))
    assert sum(counts) == 4
    assert len(await snapshots(database)) == 16


async def test_nothing_to_do_without_messes(database):
    async with database.transaction() as session:
        assert await freeze_due_meals(session, NOW) == 0
        assert await unfrozen_meals(session, NOW) == {}
        assert await serving_windows(session, NOW) == []
