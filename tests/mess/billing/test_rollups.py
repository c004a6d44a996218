"""Daily rollups: one set-based rebuild per (mess, range); counts checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from mess.models import DailyRollup, Feedback, Wastage
from mess.rollups.service import rebuild_rollups
from tests.mess.billing.scenario import Scenario

DAY = date(2026, 3, 3)


async def test_rebuild_rollups_counts_one_meal(world, database):
    s = await Scenario(world).mess(booking_mode="opt_out", slots=2)
    await s.price("lunch", 5000, 6000, 7000, date(2026, 1, 1))
    await s.price("breakfast", 3000, 3500, 4000, date(2026, 1, 1))
    a, b, c, d = [await s.resident() for _ in range(4)]
    await s.resident(active_from=date(2026, 4, 1))  # not yet a resident: not counted
    await s.book(a, DAY, "lunch", guests=2)
    await s.cancel(b, DAY, "lunch")
    await s.leave(c, DAY, DAY)
    await s.checkin(a, DAY, "lunch")
    await s.walk_in(b, DAY, "lunch")
    created = datetime(2026, 3, 3, tzinfo=UTC)
    async with database.transaction() as session:
        session.add(
            Wastage(mess_id=s.mess_id, waste_date=DAY, slot_id=s.slot_ids["lunch"], grams=1500, created_at=created)
        )
        session.add(
            Feedback(
                mess_id=s.mess_id,
                resident_id=a,
                meal_date=DAY,
                slot_id=s.slot_ids["lunch"],
                rating=4,
                created_at=created,
            )
        )
        session.add(
            Feedback(
                mess_id=s.mess_id,
                resident_id=d,
                meal_date=DAY,
                slot_id=s.slot_ids["lunch"],
                rating=2,
                created_at=created,
            )
        )
    for _ in range(2):  # idempotent
        async with database.transaction() as session:
            await rebuild_rollups(session, s.mess_id, date(2026, 3, 1), DAY)
    async with database.read_only() as session:
        rows = (await session.execute(select(DailyRollup).where(DailyRollup.mess_id == s.mess_id))).scalars().all()
    assert len(rows) == 6  # 3 days x 2 slots
    lunch = next(r for r in rows if r.rollup_date == DAY and r.slot_id == s.slot_ids["lunch"])
    # 4 residents; booked: a (explicit) and d (default); b cancelled, c on leave; a checked in, d a no-show.
    assert (lunch.residents, lunch.booked, lunch.guests, lunch.on_leave) == (4, 2, 2, 1)
    assert (lunch.checked_in, lunch.walk_ins, lunch.no_shows) == (1, 1, 1)
    assert (lunch.waste_grams, lunch.rating_sum, lunch.rating_count, lunch.meal_revenue) == (1500, 6, 2, 10000)
