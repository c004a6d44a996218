"""PRODUCT 7.5: a meal is eaten or missed only once its serving window has ended in the mess's time; before that
it is in progress, in the rollups and in every report (breakfast 7:30-9:30, lunch 12:30-14:30, Kolkata)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from mess.models import DailyRollup
from mess.reports.consumption import consumption_report
from mess.reports.noshows import no_show_report
from mess.reports.overview import overview_report
from mess.reports.scope import ReportParams
from mess.rollups.service import rebuild_rollups
from tests.mess.billing.scenario import Scenario

DAY = date(2026, 3, 3)  # a Tuesday
BEFORE_BREAKFAST = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)  # 06:00 in Kolkata
AFTER_BREAKFAST = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # 10:00: breakfast over, lunch to come
AFTER_LUNCH = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)  # 16:00
TODAY = ReportParams(start=DAY, end=DAY)


async def _mess(world):
    s = await Scenario(world).mess(booking_mode="opt_out", slots=2)
    a, _b, _c = [await s.resident() for _ in range(3)]
    await s.checkin(a, DAY, "breakfast")
    return s


async def _rebuild(database, s, now):
    async with database.transaction() as session:
        await rebuild_rollups(session, s.mess_id, DAY, DAY, now)
    async with database.read_only() as session:
        rows = (await session.execute(select(DailyRollup).where(DailyRollup.mess_id == s.mess_id))).scalars().all()
    return {r.slot_id: r for r in rows}


async def _report(database, report, s, now):
    async with database.read_only() as session:
        return await report(session, s.warden.actor, TODAY, now)


async def test_today_before_serving_counts_no_no_shows(world, database):
    s = await _mess(world)
    rows = await _rebuild(database, s, BEFORE_BREAKFAST)
    assert [(r.booked, r.no_shows) for r in rows.values()] == [(3, 0), (3, 0)]
    noshows = await _report(database, no_show_report, s, BEFORE_BREAKFAST)
    assert (noshows.booked, noshows.no_shows, noshows.rate) == (0, 0, None)
    assert (noshows.in_progress_meals, noshows.in_progress_booked) == (2, 6)
    assert [(g.key, g.no_shows, g.rate) for g in noshows.by_weekday if g.key == "Tue"] == [("Tue", 0, None)]
    assert noshows.residents == [] and noshows.residents_to == date(2026, 3, 2)
    consumption = await _report(database, consumption_report, s, BEFORE_BREAKFAST)
    assert [row.in_progress for row in consumption.rows] == [True, True]
    assert (consumption.booked, consumption.show_rate, consumption.in_progress_meals) == (0, None, 2)
    async with database.read_only() as session:
        overview = await overview_report(session, s.warden.actor, ReportParams(), BEFORE_BREAKFAST)
    assert [(d.slot, d.no_shows, d.in_progress) for d in overview.day_slots] == [
        ("breakfast", 0, True),
        ("lunch", 0, True),
    ]
    assert (overview.no_shows, overview.no_show_rate) == (0, None)


async def test_missed_meals_count_once_their_window_ends(world, database):
    s = await _mess(world)
    rows = await _rebuild(database, s, AFTER_BREAKFAST)
    breakfast, lunch = rows[s.slot_ids["breakfast"]], rows[s.slot_ids["lunch"]]
    assert (breakfast.checked_in, breakfast.no_shows, lunch.no_shows) == (1, 2, 0)
    noshows = await _report(database, no_show_report, s, AFTER_BREAKFAST)
    assert (noshows.booked, noshows.no_shows, noshows.in_progress_meals) == (3, 2, 1)
    assert [(g.key, g.booked, g.no_shows) for g in noshows.by_slot] == [("breakfast", 3, 2), ("lunch", 0, 0)]

    # After lunch but before the next rebuild, the row was built while lunch was served: still in progress.
    stale = await _report(database, no_show_report, s, AFTER_LUNCH)
    assert (stale.no_shows, stale.in_progress_meals) == (2, 1)
    await _rebuild(database, s, AFTER_LUNCH)
    done = await _report(database, no_show_report, s, AFTER_LUNCH)
    assert (done.booked, done.no_shows, done.in_progress_meals) == (6, 5, 0)
    assert [r.no_shows for r in done.residents] == [2, 2, 1] and done.residents_to == DAY


async def test_dish_tables_read_template_menus_and_leave_out_unfinished_meals(world, database):
    from mess.models import Feedback, MenuTemplateDish, Wastage
    from mess.reports.ratings import rating_report
    from mess.reports.waste import waste_report

    s = await _mess(world)
    async with database.transaction() as session:
        residents = [r.id for r in (await session.execute(select_residents(s.mess_id))).scalars()]
        for slot in ("breakfast", "lunch"):  # the weekly template only: the date has no menu of its own
            session.add(
                MenuTemplateDish(
                    mess_id=s.mess_id, weekday=DAY.weekday(), slot_id=s.slot_ids[slot], dish=f"{slot} dish"
                )
            )
            session.add(
                Wastage(
                    mess_id=s.mess_id, waste_date=DAY, slot_id=s.slot_ids[slot], grams=900, created_at=AFTER_BREAKFAST
                )
            )
            session.add(
                Feedback(
                    mess_id=s.mess_id,
                    resident_id=residents[0],
                    meal_date=DAY,
                    slot_id=s.slot_ids[slot],
                    rating=4,
                    comment="",
                    created_at=AFTER_BREAKFAST,
                )
            )
    await _rebuild(database, s, AFTER_BREAKFAST)
    ratings = await _report(database, rating_report, s, AFTER_BREAKFAST)
    # Breakfast has ended; lunch (on the template too, rated and weighed early) is in progress: not counted yet.
    assert [(d.dish, d.slot, d.meals, d.ratings) for d in ratings.by_dish] == [("breakfast dish", "breakfast", 1, 1)]
    waste = await _report(database, waste_report, s, AFTER_BREAKFAST)
    assert [(d.dish, d.meals, d.waste_grams) for d in waste.worst_dishes] == [("breakfast dish", 1, 900)]
    await _rebuild(database, s, AFTER_LUNCH)
    ratings = await _report(database, rating_report, s, AFTER_LUNCH)
    assert sorted(d.dish for d in ratings.by_dish) == ["breakfast dish", "lunch dish"]


def select_residents(mess_id):
    from mess.models import Resident

    return select(Resident).where(Resident.mess_id == mess_id).order_by(Resident.id)
