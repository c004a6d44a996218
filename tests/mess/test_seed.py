"""The demo seed makes a consistent mess: rules the app enforces hold for the generated history too."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from mess.models import Booking, CheckIn, Leave, Mess, Resident, Slot, UserAccount
from mess.seed.service import seed_demo


async def test_seed_makes_consistent_history(database, clock):
    async with database.transaction() as session:
        counts = await seed_demo(session, residents=40, days=30, now=clock.now())
    assert counts["residents"] == 40
    assert counts["checkin"] > 1000 and counts["booking"] > 50 and counts["leave"] > 0
    async with database.read_only() as session:
        assert (await session.execute(select(func.count()).select_from(Mess))).scalar_one() == 1
        assert (await session.execute(select(func.count()).select_from(Slot))).scalar_one() == 4
        logins = set((await session.execute(select(UserAccount.login))).scalars())
        assert {"warden", "staff", "R0001", "R0040"} <= logins
        other = aliased(Leave)
        overlapping = select(func.count()).where(
            Leave.resident_id == other.resident_id,
            Leave.id < other.id,
            Leave.status != "rejected",
            other.status != "rejected",
            Leave.start_date <= other.end_date,
            other.start_date <= Leave.end_date,
        )
        assert (await session.execute(overlapping)).scalar_one() == 0
        eaten_on_leave = (
            select(func.count())
            .select_from(CheckIn)
            .join(
                Leave,
                and_(
                    Leave.resident_id == CheckIn.resident_id,
                    Leave.status == "approved",
                    Leave.start_date <= CheckIn.meal_date,
                    Leave.end_date >= CheckIn.meal_date,
                ),
            )
        )
        assert (await session.execute(eaten_on_leave)).scalar_one() == 0
        outside_residency = (
            select(func.count())
            .select_from(Booking)
            .join(Resident, Resident.id == Booking.resident_id)
            .where((Booking.meal_date < Resident.active_from) | (Booking.meal_date > Resident.active_to))
        )
        assert (await session.execute(outside_residency)).scalar_one() == 0
        walk_ins = select(func.count()).where(CheckIn.walk_in, CheckIn.result == "not_booked")
        assert (await session.execute(walk_ins)).scalar_one() > 0


async def test_seed_gives_the_expected_headcount_a_history(database, clock):
    from mess.headcount.expected import slot_history
    from mess.models import HeadcountSnapshot, MenuTemplateDish

    async with database.transaction() as session:
        counts = await seed_demo(session, residents=40, days=30, now=clock.now())
    assert counts["frozen_meals"] >= 29 * 4
    async with database.read_only() as session:
        mess = (await session.execute(select(Mess))).scalar_one()
        assert mess.waste_target_grams == 60
        unset = select(func.count()).select_from(MenuTemplateDish).where(MenuTemplateDish.portion.is_(None))
        assert (await session.execute(unset)).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(HeadcountSnapshot))).scalar_one() > 0
        slots = {s.code: s for s in (await session.execute(select(Slot))).scalars()}
        today = clock.now().date()
        breakfast = await slot_history(session, mess, slots["breakfast"], today, clock.now())
        dinner = await slot_history(session, mess, slots["dinner"], today, clock.now())
    assert len(breakfast) >= 25 and len(dinner) >= 25
    rate = lambda meals: sum(m.came for m in meals) / sum(m.booked for m in meals)  # noqa: E731
    assert rate(breakfast) < rate(dinner) < 1.0  # breakfast is skipped more than dinner, as the seed's rates say


async def test_all_slots_histories_in_one_query_equal_each_slots(database, clock):
    """The forecast reads every slot's bookings history in one statement (repository.meal_histories,
    expected.slots_learning): the same meals, per slot, as the one-slot query the counter uses."""
    from datetime import timedelta

    from mess.headcount import expected, repository

    async with database.transaction() as session:
        await seed_demo(session, residents=30, days=21, now=clock.now())
    expected.clear_cache()
    async with database.read_only() as session:
        mess = (await session.execute(select(Mess))).scalar_one()
        slots = list((await session.execute(select(Slot).order_by(Slot.id))).scalars())
        today = clock.now().date()
        start, end = today - timedelta(days=20), today - timedelta(days=1)
        together = await repository.meal_histories(session, mess.id, [s.id for s in slots], start, end)
        one_by_one = {s.id: await repository.meal_history(session, mess.id, s.id, start, end) for s in slots}
        assert together == {k: v for k, v in one_by_one.items() if v} and len(together) == len(slots)
        learned = await expected.slots_learning(session, mess, slots, today, clock.now())
        expected.clear_cache()
        for slot in slots:
            assert learned[slot.id] == await expected.slot_learning(session, mess, slot, today, clock.now())
