"""REST /api/v1/reports/*: the same report queries over HTTP, with the role and mess rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mess.forecast.model import Observation, backtest
from mess.forecast.synthetic import generate_attendance
from mess.models import DailyRollup
from tests.mess.reports.small_data import NOW, build_small_mess

PAGES = ["overview", "consumption", "no-shows", "costs", "waste", "ratings", "forecast"]
RANGE = "from=2026-03-01&to=2026-03-10"


@pytest.mark.parametrize("page", PAGES)
async def test_each_report_answers_a_warden_and_refuses_others(world, client, page):
    small = await build_small_mess(world)
    ok = await client.get(f"/api/v1/reports/{page}?{RANGE}", headers=small.warden.headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["header"]["mess_id"] == small.mess.id
    assert (await client.get(f"/api/v1/reports/{page}")).status_code == 401
    resident = await client.get(f"/api/v1/reports/{page}", headers=small.residents["A"].headers)
    assert resident.status_code == 403 and resident.json()["code"] == "forbidden"
    staff = await world.user("staff", small.mess.id)
    assert (await client.get(f"/api/v1/reports/{page}", headers=staff.headers)).status_code == 403


async def test_numbers_match_the_report_queries_and_scoping(world, client):
    small = await build_small_mess(world)
    body = (await client.get(f"/api/v1/reports/consumption?{RANGE}&slot=lunch", headers=small.warden.headers)).json()
    assert (body["booked"], body["checked_in"], body["served"]) == (19, 14, 14)
    assert body["rows"][0] == {
        "date": "2026-03-02",
        "slot": "lunch",
        "residents": 10,
        "booked": 9,
        "guests": 0,
        "on_leave": 1,
        "checked_in": 9,
        "walk_ins": 0,
        "served": 9,
        "participation": 0.9,
        "in_progress": False,
    }
    costs = (await client.get(f"/api/v1/reports/costs?{RANGE}", headers=small.warden.headers)).json()
    assert (costs["expenses"], costs["cost_per_plate"]) == (52000, 1733)

    other = await world.mess()
    other_warden = await world.user("warden", other.id)
    wrong = await client.get(f"/api/v1/reports/waste?mess_id={small.mess.id}", headers=other_warden.headers)
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_mess"
    admin = await world.user("admin", None)
    need_mess = await client.get("/api/v1/reports/waste", headers=admin.headers)
    assert need_mess.status_code == 422 and need_mess.json()["code"] == "mess_required"
    as_admin = await client.get(f"/api/v1/reports/waste?{RANGE}&mess_id={small.mess.id}", headers=admin.headers)
    assert as_admin.status_code == 200 and as_admin.json()["waste_grams"] == 4000


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("from=2026-03-05&to=2026-03-01", 422, "invalid_input"),
        ("from=2020-01-01&to=2026-03-01", 422, "invalid_input"),
        ("from=yesterday", 422, "invalid_input"),
        ("slot=brunch", 404, "unknown_slot"),
        ("mess_id=0", 422, "invalid_input"),
        ("mess_id=99999999999", 422, "invalid_input"),
        ("to=0001-01-01", 422, "invalid_input"),
        ("from=9999-12-31&to=9999-12-31", 422, "invalid_input"),
    ],
)
async def test_bad_filters_get_clear_errors(world, client, query, status, code):
    small = await build_small_mess(world)
    response = await client.get(f"/api/v1/reports/consumption?{query}", headers=small.warden.headers)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


async def test_forecast_reads_rollups_and_reports_the_backtest(world, client):
    small = await build_small_mess(world)
    first, last = date(2025, 10, 1), date(2026, 3, 9)
    meals = generate_attendance(first, last, 300, seed=4, slots=("lunch", "dinner"))
    async with world.database.transaction() as session:
        from sqlalchemy import delete

        await session.execute(delete(DailyRollup))
        session.add_all(
            DailyRollup(
                mess_id=small.mess.id,
                rollup_date=m.day,
                slot_id=small.slots[m.slot],
                residents=300,
                checked_in=m.served,
                updated_at=NOW,
            )
            for m in meals
        )
    holiday = "2026-03-12"
    response = await client.get(f"/api/v1/reports/forecast?holiday={holiday}", headers=small.warden.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["first_day"] == "2026-03-10"  # the mess's today; the model learned from the days before it
    points = body["points"]
    modelled = [p for p in points if p["method"] in ("model", "naive")]
    assert len({(p["date"], p["slot"]) for p in modelled}) == len(modelled)
    assert {p["slot"] for p in modelled} == {"lunch", "dinner"}  # slots with no history get no model forecast
    # Meals past their cutoff use their bookings (the small mess's few residents: no past meals to learn from).
    known = [p for p in points if p["method"] == "bookings"]
    assert known and {p["date"] for p in known} == {"2026-03-10"}
    assert len(modelled) + len([p for p in known if p["slot"] in ("lunch", "dinner")]) == 7 * 2
    assert all(p["expected"] == p["low"] == p["high"] for p in known)  # no history: no spread learned
    assert all(p["low"] <= p["expected"] <= p["high"] for p in points)
    assert [p["event"] for p in points if p["date"] == holiday] == ["holiday", "holiday"]
    # The same backtest the pure model gives on the same history (the window the report reads).
    window = [m for m in meals if m.day >= date(2026, 3, 10) - timedelta(days=196)]
    expected = backtest([Observation(m.day, m.slot, float(m.served)) for m in window], {date(2026, 3, 12): "holiday"})
    assert body["mape_model"] == round(expected.mape_model, 2)
    assert body["mape_naive"] == round(expected.mape_naive, 2)
    assert len(body["backtest"]) == len(expected.points)
    bad = await client.get("/api/v1/reports/forecast?holiday=someday", headers=small.warden.headers)
    assert bad.status_code == 422


async def test_forecast_at_the_edge_of_the_calendar_is_a_clear_error(world, client):
    small = await build_small_mess(world)
    response = await client.get("/api/v1/reports/forecast?to=9999-12-31", headers=small.warden.headers)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


async def test_forecast_lists_slots_in_serving_order(world, client):
    small = await build_small_mess(world)
    meals = generate_attendance(date(2025, 12, 1), date(2026, 3, 9), 200, seed=8)
    async with world.database.transaction() as session:
        session.add_all(
            DailyRollup(
                mess_id=small.mess.id,
                rollup_date=m.day,
                slot_id=small.slots[m.slot],
                residents=200,
                checked_in=m.served,
                updated_at=NOW,
            )
            for m in meals
            if m.day < date(2026, 2, 27)  # small_data already has rollups from 27 February on
        )
    body = (await client.get("/api/v1/reports/forecast", headers=small.warden.headers)).json()
    assert [p["slot"] for p in body["points"][:4]] == ["breakfast", "lunch", "snacks", "dinner"]
