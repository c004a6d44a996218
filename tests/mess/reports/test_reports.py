"""Report queries against numbers worked out by hand (tests/mess/reports/small_data.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from mess.reports.consumption import consumption_report
from mess.reports.costs import cost_report
from mess.reports.noshows import no_show_report
from mess.reports.overview import overview_report
from mess.reports.ratings import rating_report
from mess.reports.scope import ReportParams
from mess.reports.waste import waste_report
from tests.mess.reports.small_data import NOW, build_small_mess

MARCH = ReportParams(start=date(2026, 3, 1), end=date(2026, 3, 10))


async def run(world, report, params, actor=None):
    small = await build_small_mess(world)
    async with world.database.read_only() as session:
        return small, await report(session, actor or small.warden.actor, params, NOW)


async def test_consumption(world):
    _small, r = await run(world, consumption_report, MARCH)
    assert (r.booked, r.checked_in, r.walk_ins, r.guests, r.served) == (34, 24, 3, 3, 27)
    assert r.participation == 0.675  # 27 served / 40 resident-meals
    assert r.show_rate == round(24 / 34, 4)
    assert [(row.date, row.slot, row.served) for row in r.rows] == [
        (date(2026, 3, 2), "breakfast", 7),
        (date(2026, 3, 2), "lunch", 9),
        (date(2026, 3, 9), "breakfast", 6),
        (date(2026, 3, 10), "lunch", 5),
    ]
    assert r.rows[0].participation == 0.7
    assert [(c.weekday_name, c.slot, c.days, c.average_served) for c in r.heatmap] == [
        ("Mon", "breakfast", 2, 6.5),
        ("Mon", "lunch", 1, 9.0),
        ("Tue", "lunch", 1, 5.0),
    ]
    assert r.header.slots == ["breakfast", "lunch", "snacks", "dinner"]


async def test_consumption_slot_filter_and_default_range(world):
    _small, r = await run(world, consumption_report, ReportParams(slot="lunch"))
    # Default range: the 30 days ending on the mess's today (10 March in Kolkata).
    assert (r.header.start, r.header.end) == (date(2026, 2, 9), date(2026, 3, 10))
    assert r.header.slots == ["lunch"]
    assert (r.booked, r.checked_in) == (8 + 9 + 10, 8 + 9 + 5)


async def test_no_shows(world):
    _small, r = await run(world, no_show_report, MARCH)
    assert (r.booked, r.no_shows, r.rate) == (34, 10, round(10 / 34, 4))
    assert [(g.key, g.booked, g.no_shows) for g in r.by_slot] == [
        ("breakfast", 15, 5),
        ("lunch", 19, 5),
        ("snacks", 0, 0),
        ("dinner", 0, 0),
    ]
    assert r.by_slot[2].rate is None
    by_weekday = {g.key: (g.booked, g.no_shows) for g in r.by_weekday}
    assert by_weekday["Mon"] == (24, 5) and by_weekday["Tue"] == (10, 5) and by_weekday["Wed"] == (0, 0)
    assert [(g.key, g.no_shows) for g in r.trend] == [("2026-03-02", 2), ("2026-03-09", 3), ("2026-03-10", 5)]


async def test_no_shows_by_resident_from_raw_bookings(world):
    params = ReportParams(start=date(2026, 3, 9), end=date(2026, 3, 10), slot="lunch")
    small, r = await run(world, no_show_report, params)
    # A: booked both lunches (opt-out default), ate one. B: cancelled the 10th, skipped the 9th (the walk-in on
    # the 10th was not a booked meal). C: on leave. D: ate both.
    a, b = small.residents["A"], small.residents["B"]
    assert [(x.roll_no, x.booked, x.no_shows) for x in r.residents] == [(a.roll_no, 2, 1), (b.roll_no, 1, 1)]
    assert (r.residents_from, r.residents_to) == (date(2026, 3, 9), date(2026, 3, 10))


async def test_costs(world):
    _small, r = await run(
        world, cost_report, ReportParams(start=date(2026, 2, 25), end=date(2026, 3, 10), slot="lunch")
    )
    assert r.header.slots == ["breakfast", "lunch", "snacks", "dinner"]  # expenses are not per slot
    assert r.expenses == 57000
    assert r.plates == 8 + 30
    assert r.cost_per_plate == 1500  # 57000 / 38
    assert [(c.category, c.amount) for c in r.by_category] == [
        ("groceries", 40000),
        ("vegetables", 12000),
        ("dairy", 5000),
    ]
    assert [(m.month, m.expenses, m.plates, m.cost_per_plate, m.bills, m.billed, m.margin) for m in r.months] == [
        ("2026-02", 5000, 8, 625, 3, 310000, 305000),
        ("2026-03", 52000, 30, 1733, 0, 0, -52000),  # 52000 / 30 = 1733.33
    ]
    spread = r.bills
    assert (spread.month, spread.count, spread.minimum, spread.median, spread.mean, spread.p90, spread.maximum) == (
        "2026-02",
        3,
        90000,
        100000,
        103333,
        120000,
        120000,
    )
    assert spread.totals == [90000, 100000, 120000]


async def test_waste(world):
    _small, r = await run(world, waste_report, MARCH)
    assert (r.waste_grams, r.plates) == (4000, 30)
    assert r.grams_per_plate == pytest.approx(133.3)
    assert [(s.slot, s.waste_grams, s.plates) for s in r.by_slot][:2] == [("breakfast", 3500, 14), ("lunch", 500, 16)]
    assert r.by_slot[0].grams_per_plate == 250.0
    assert [(d.dish, d.meals, d.waste_grams, d.plates) for d in r.worst_dishes] == [
        ("Bread", 1, 2000, 6),
        ("Poha", 2, 3500, 14),
        ("Tea", 1, 1500, 8),
        ("Dal", 1, 500, 9),
        ("Rice", 1, 500, 9),
    ]
    assert [d.grams_per_plate for d in r.worst_dishes[:3]] == [333.3, 250.0, 187.5]


async def test_ratings(world):
    _small, r = await run(world, rating_report, MARCH)
    assert (r.ratings, r.average) == (6, 3.83)
    assert [(s.slot, s.ratings, s.average) for s in r.by_slot] == [
        ("breakfast", 3, 3.67),
        ("lunch", 3, 4.0),
        ("snacks", 0, None),
        ("dinner", 0, None),
    ]
    assert [(d.date, d.ratings, d.average) for d in r.trend] == [
        (date(2026, 3, 2), 5, 4.0),
        (date(2026, 3, 9), 1, 3.0),
        (date(2026, 3, 10), 0, None),
    ]
    assert [(d.dish, d.slot, d.meals, d.ratings, d.average) for d in r.by_dish] == [
        ("Dal", "lunch", 1, 3, 4.0),
        ("Rice", "lunch", 1, 3, 4.0),
        ("Tea", "breakfast", 1, 2, 4.0),
        ("Poha", "breakfast", 2, 3, 3.67),
        ("Bread", "breakfast", 1, 1, 3.0),
    ]


async def test_overview(world):
    _small, r = await run(world, overview_report, ReportParams())
    assert r.day == date(2026, 3, 10) and r.month == "2026-03"
    assert (r.header.start, r.header.end) == (date(2026, 3, 1), date(2026, 3, 10))
    assert r.active_residents == 4
    lunch = next(s for s in r.day_slots if s.slot == "lunch")
    assert (lunch.booked, lunch.guests, lunch.checked_in, lunch.no_shows) == (10, 2, 5, 5)
    assert next(s for s in r.day_slots if s.slot == "dinner").booked == 0
    assert (r.served, r.plates, r.booked, r.no_shows) == (27, 30, 34, 10)
    assert r.meal_revenue == 8000 + 13500 + 7000 + 15000
    assert (r.expenses, r.cost_per_plate) == (52000, 1733)
    assert (r.waste_grams, r.ratings, r.average_rating) == (4000, 6, 3.83)


async def test_reports_refuse_residents_and_staff_and_other_messes(world):
    from mess.errors import Forbidden, InvalidInput, NotFound

    small = await build_small_mess(world)
    staff = await world.user("staff", small.mess.id)
    other = await world.mess()
    other_warden = await world.user("warden", other.id)
    admin = await world.user("admin", None)
    async with world.database.read_only() as session:
        for who in (small.residents["A"].actor, staff.actor):
            with pytest.raises(Forbidden):
                await consumption_report(session, who, MARCH, NOW)
        with pytest.raises(Forbidden):
            await consumption_report(session, other_warden.actor, ReportParams(mess_id=small.mess.id), NOW)
        with pytest.raises(InvalidInput, match="mess_id"):
            await consumption_report(session, admin.actor, MARCH, NOW)
        as_admin = await consumption_report(
            session, admin.actor, ReportParams(start=MARCH.start, end=MARCH.end, mess_id=small.mess.id), NOW
        )
        assert as_admin.booked == 34
        with pytest.raises(NotFound, match="brunch"):
            await consumption_report(session, small.warden.actor, ReportParams(slot="brunch"), NOW)
        with pytest.raises(InvalidInput, match="before"):
            await consumption_report(session, small.warden.actor, ReportParams(date(2026, 3, 5), date(2026, 3, 1)), NOW)
        with pytest.raises(InvalidInput, match="at most"):
            await consumption_report(session, small.warden.actor, ReportParams(date(2020, 1, 1), date(2026, 3, 1)), NOW)
