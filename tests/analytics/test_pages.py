"""Every analytics page through Streamlit's AppTest on a seeded PostgreSQL database: what is shown equals the
SQL truth computed here, independently of mess/reports; anonymous visitors, residents and staff see no data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from mess.forecast.model import Observation, backtest, slot_methods
from mess.kit.money import div_round_half_up
from mess.text import money as format_money
from tests.analytics.seeding import seed_history
from tests.factories import PASSWORD

PAGES = ["overview", "consumption", "no_shows", "cost", "waste", "ratings", "forecast"]
DEFAULT_FROM, TODAY = date(2026, 2, 9), date(2026, 3, 10)  # the default 30 days ending on the mess's today
# At 09:00 no meal of today has ended: eaten/missed figures stop at yesterday (PRODUCT 7.5), tables show today too.
ENDED = TODAY - timedelta(days=1)


async def sql(world, statement: str, **params):
    async with world.database.read_only() as session:
        return (await session.execute(text(statement), params)).all()


async def rollup_sum(world, mess_id: int, expression: str, start: date, end: date, slot_id: int | None = None) -> int:
    where = " AND slot_id = :slot" if slot_id else ""
    rows = await sql(
        world,
        f"SELECT COALESCE(SUM({expression}), 0) FROM daily_rollup "
        f"WHERE mess_id = :m AND rollup_date BETWEEN :a AND :b{where}",
        m=mess_id,
        a=start,
        b=end,
        slot=slot_id,
    )
    return int(rows[0][0])


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def shown_nothing(at) -> bool:
    return not at.exception and not at.metric and not at.dataframe


async def test_overview(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("overview", seeded.warden.actor).run()
    assert not at.exception
    shown = metrics(at)
    residents = await sql(world, "SELECT COUNT(*) FROM resident WHERE mess_id = :m", m=m)
    assert shown["Active residents"] == f"{residents[0][0]:,}"
    assert shown["Booked today"] == f"{await rollup_sum(world, m, 'booked', TODAY, TODAY):,}"
    assert shown["Checked in today"] == f"{await rollup_sum(world, m, 'checked_in', TODAY, TODAY):,}"
    month = date(2026, 3, 1)
    plates = await rollup_sum(world, m, "checked_in + walk_ins + guests", month, ENDED)
    assert shown["Plates served"] == f"{plates:,}"
    spent = await sql(
        world,
        "SELECT SUM(amount) FROM expense WHERE mess_id = :m AND expense_date BETWEEN :a AND :b",
        m=m,
        a=month,
        b=TODAY,
    )
    assert shown["Expenses"] == format_money(int(spent[0][0]), "INR")
    assert shown["Cost per plate"] == format_money(div_round_half_up(int(spent[0][0]), plates), "INR")
    assert shown["Meal revenue"] == format_money(await rollup_sum(world, m, "meal_revenue", month, TODAY), "INR")
    today = at.dataframe[0].value
    assert list(today["slot"]) == ["breakfast", "lunch", "snacks", "dinner"]
    assert int(today["booked"].sum()) == await rollup_sum(world, m, "booked", TODAY, TODAY)


async def test_consumption_and_its_filters(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("consumption", seeded.warden.actor).run()
    shown = metrics(at)
    assert shown["Booked"] == f"{await rollup_sum(world, m, 'booked', DEFAULT_FROM, ENDED):,}"
    assert shown["Checked in"] == f"{await rollup_sum(world, m, 'checked_in', DEFAULT_FROM, ENDED):,}"
    assert shown["Walk-ins"] == f"{await rollup_sum(world, m, 'walk_ins', DEFAULT_FROM, ENDED):,}"
    served = await rollup_sum(world, m, "checked_in + walk_ins", DEFAULT_FROM, ENDED)
    residents = await rollup_sum(world, m, "residents", DEFAULT_FROM, ENDED)
    assert shown["Participation"] == f"{served / residents * 100:.1f}%"
    daily = at.dataframe[0].value
    assert len(daily) == 30 * 4
    assert int(daily["served"].sum()) == await rollup_sum(world, m, "checked_in + walk_ins", DEFAULT_FROM, TODAY)
    heatmap = at.dataframe[1].value
    assert len(heatmap) == 7 * 4

    start, end = date(2026, 1, 5), date(2026, 1, 18)
    at.selectbox(key="slot").select("lunch")
    at.date_input(key="dates").set_value((start, end))
    at.run()
    lunch = seeded.slots["lunch"]
    assert metrics(at)["Booked"] == f"{await rollup_sum(world, m, 'booked', start, end, lunch):,}"
    assert len(at.dataframe[0].value) == 14
    assert set(at.dataframe[0].value["slot"]) == {"lunch"}


async def test_no_shows(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("no_shows", seeded.warden.actor).run()
    assert metrics(at)["No-shows"] == f"{await rollup_sum(world, m, 'no_shows', DEFAULT_FROM, ENDED):,}"
    by_slot = at.dataframe[0].value
    for slot, slot_id in seeded.slots.items():
        row = by_slot[by_slot["slot"] == slot].iloc[0]
        assert row["no_shows"] == await rollup_sum(world, m, "no_shows", DEFAULT_FROM, ENDED, slot_id)

    # Per resident, from raw rows: opt-out residents booked every lunch of 2..8 March; no-shows = 7 - admissions.
    start, end = date(2026, 3, 2), date(2026, 3, 8)
    at.selectbox(key="slot").select("lunch")
    at.date_input(key="dates").set_value((start, end))
    at.run()
    admitted = dict(
        await sql(
            world,
            "SELECT resident_id, COUNT(*) FROM checkin WHERE mess_id = :m AND admitted AND slot_id = :s "
            "AND meal_date BETWEEN :a AND :b GROUP BY resident_id",
            m=m,
            s=seeded.slots["lunch"],
            a=start,
            b=end,
        )
    )
    expected = sorted(
        (
            (p.roll_no, 7, 7 - admitted.get(p.resident_id, 0))
            for p in seeded.residents
            if admitted.get(p.resident_id, 0) < 7
        ),
        key=lambda r: (-r[2], r[0]),
    )
    table = at.dataframe[3].value
    assert [tuple(r) for r in table[["roll_no", "booked", "no_shows"]].itertuples(index=False)] == expected
    assert expected == [(seeded.residents[0].roll_no, 7, 2)]


async def test_cost(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("cost", seeded.warden.actor).run()
    shown = metrics(at)
    spent = int(
        (
            await sql(
                world,
                "SELECT SUM(amount) FROM expense WHERE mess_id = :m AND expense_date BETWEEN :a AND :b",
                m=m,
                a=DEFAULT_FROM,
                b=TODAY,
            )
        )[0][0]
    )
    plates = await rollup_sum(world, m, "checked_in + walk_ins + guests", DEFAULT_FROM, ENDED)
    assert shown["Expenses"] == format_money(spent, "INR")
    assert shown["Cost per plate"] == format_money(div_round_half_up(spent, plates), "INR")
    categories = await sql(
        world,
        "SELECT category, SUM(amount) FROM expense WHERE mess_id = :m AND expense_date BETWEEN :a AND :b "
        "GROUP BY category ORDER BY SUM(amount) DESC",
        m=m,
        a=DEFAULT_FROM,
        b=TODAY,
    )
    table = at.dataframe[0].value
    # Shown in rupees (the report keeps paise).
    shown_categories = [tuple(r) for r in table[["category", "amount"]].itertuples(index=False)]
    assert shown_categories == [(c, amount / 100) for c, amount in categories]
    bills = [
        r[0]
        for r in await sql(world, "SELECT total FROM bill WHERE mess_id = :m AND month = '2026-02' ORDER BY total", m=m)
    ]
    assert list(at.dataframe[2].value["total"]) == [b / 100 for b in bills]
    assert shown["Bills"] == str(len(bills))


async def test_waste(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("waste", seeded.warden.actor).run()
    grams = await rollup_sum(world, m, "waste_grams", DEFAULT_FROM, ENDED)
    assert metrics(at)["Food wasted (kg)"] == f"{grams / 1000:,.1f}"
    dishes = await sql(
        world,
        """
        SELECT d.dish, SUM(w.grams) AS grams, SUM(r.checked_in + r.walk_ins + r.guests) AS plates
        FROM (SELECT DISTINCT menu_date, slot_id, dish FROM menu_dish WHERE mess_id = :m
              AND menu_date BETWEEN :a AND :b) d
        JOIN (SELECT waste_date, slot_id, SUM(grams) AS grams FROM wastage WHERE mess_id = :m
              AND waste_date BETWEEN :a AND :b GROUP BY waste_date, slot_id) w
          ON w.waste_date = d.menu_date AND w.slot_id = d.slot_id
        JOIN daily_rollup r ON r.mess_id = :m AND r.rollup_date = d.menu_date AND r.slot_id = d.slot_id
        GROUP BY d.dish
        """,
        m=m,
        a=DEFAULT_FROM,
        b=ENDED,  # today's meals have not ended at 09:00: not counted yet (PRODUCT 7.5)
    )
    worst = max(dishes, key=lambda d: d.grams / d.plates)
    table = at.dataframe[2].value
    assert table.iloc[0]["dish"] == worst.dish
    assert table.iloc[0]["waste_grams"] == worst.grams


async def test_ratings(world, open_page):
    seeded = await seed_history(world)
    m = seeded.mess.id
    at = open_page("ratings", seeded.warden.actor).run()
    total = await rollup_sum(world, m, "rating_sum", DEFAULT_FROM, TODAY)
    count = await rollup_sum(world, m, "rating_count", DEFAULT_FROM, TODAY)
    assert metrics(at)["Ratings"] == f"{count:,}"
    assert metrics(at)["Average rating"] == f"{round(total / count, 2):,.2f}"
    pairs = await sql(
        world,
        "SELECT COUNT(*) FROM (SELECT DISTINCT d.dish, d.slot_id FROM menu_dish d JOIN feedback f "
        "ON f.mess_id = d.mess_id AND f.meal_date = d.menu_date AND f.slot_id = d.slot_id "
        "WHERE d.mess_id = :m AND d.menu_date BETWEEN :a AND :b) x",
        m=m,
        a=DEFAULT_FROM,
        b=TODAY,
    )
    assert len(at.dataframe[2].value) == pairs[0][0]


async def test_forecast_shows_model_error_next_to_the_baseline(world, open_page):
    seeded = await seed_history(world)
    at = open_page("forecast", seeded.warden.actor).run()
    history = await sql(
        world,
        "SELECT r.rollup_date, s.code, r.checked_in + r.walk_ins + r.guests FROM daily_rollup r "
        "JOIN slot s ON s.id = r.slot_id "
        "WHERE r.mess_id = :m AND r.rollup_date BETWEEN :a AND :b",
        m=seeded.mess.id,
        a=TODAY - timedelta(days=196),
        b=TODAY - timedelta(days=1),
    )
    truth = backtest([Observation(d, s, float(v)) for d, s, v in history])
    shown = metrics(at)
    assert shown["Model MAPE"] == f"{round(truth.mape_model, 2):.2f}%"
    assert shown["Naive MAPE (same weekday last week)"] == f"{round(truth.mape_naive, 2):.2f}%"
    methods = at.dataframe[0].value  # per slot: the backtest's choice, never worse than the baseline there
    chosen = slot_methods(truth, ["breakfast", "lunch", "snacks", "dinner"], 0.8)
    words = {"model": "Model", "naive": "Same weekday last week", "bookings": "Bookings x show rate"}
    assert list(methods["method"]) == [words[chosen[s].method] for s in ["breakfast", "lunch", "snacks", "dinner"]]
    assert (methods["mape"] <= methods["mape_naive"]).all()
    points = at.dataframe[1].value
    assert len(points) == 7 * 4
    assert sorted(set(points["date"])) == [TODAY + timedelta(days=k) for k in range(7)]
    assert (points["low"] <= points["expected"]).all() and (points["expected"] <= points["high"]).all()
    assert set(points["method"]) <= set(words.values())  # bookings: meals past their cutoff
    assert len(at.dataframe[2].value) == len(truth.points)

    at.text_area(key="holidays").input("2026-03-12").run()
    holiday = at.dataframe[1].value
    assert set(holiday[holiday["date"] == date(2026, 3, 12)]["event"]) == {"holiday"}
    at.text_area(key="holidays").input("next friday").run()
    assert at.error and "not a date" in at.error[0].value


@pytest.mark.parametrize("page", PAGES)
async def test_anonymous_residents_and_staff_see_no_data(world, open_page, page):
    seeded = await seed_history(world)
    anonymous = open_page(page).run()
    assert shown_nothing(anonymous)
    assert anonymous.text_input(key="login") is not None and anonymous.text_input(key="password") is not None
    staff = await world.user("staff", seeded.mess.id)
    for actor in (seeded.residents[0].actor, staff.actor):
        refused = open_page(page, actor).run()
        assert shown_nothing(refused)
        assert "wardens and admins" in refused.error[0].value


async def test_sign_in_form_uses_the_web_accounts(world, open_page):
    seeded = await seed_history(world)
    at = open_page("consumption").run()
    at.text_input(key="login").input(seeded.warden.actor.login)
    at.text_input(key="password").input("not-the-password")
    at.button[0].click().run()
    assert shown_nothing(at) and "wrong login or password" in at.error[0].value
    at.text_input(key="password").input(PASSWORD)
    at.button[0].click().run()
    booked = await rollup_sum(world, seeded.mess.id, "booked", DEFAULT_FROM, ENDED)
    assert metrics(at)["Booked"] == f"{booked:,}"
    at.sidebar.button[0].click().run()  # sign out
    assert shown_nothing(at)


async def test_admin_picks_the_mess(world, open_page):
    seeded = await seed_history(world)
    other = await world.mess()
    admin = await world.user("admin", None)
    at = open_page("consumption", admin.actor).run()
    picker = at.selectbox(key="mess_id")
    assert set(picker.options) == {f"Mess {seeded.mess.code} ({seeded.mess.code})", f"Mess {other.code} ({other.code})"}
    picker.select(seeded.mess.id).run()
    booked = await rollup_sum(world, seeded.mess.id, "booked", DEFAULT_FROM, ENDED)
    assert metrics(at)["Booked"] == f"{booked:,}"
    at.selectbox(key="mess_id").select(other.id).run()
    assert metrics(at)["Booked"] == "0"


async def test_entrypoint_navigates_to_the_overview(world, open_page):
    seeded = await seed_history(world)
    at = open_page("app", seeded.warden.actor).run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Plates served" in metrics(at)
