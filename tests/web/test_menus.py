"""The menu through the REST API: a date's own dishes, the weekly template behind them, roles and bad input."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from mess.menus.service import menu_for_range
from mess.messes.repository import list_slots
from tests.web.domain_helpers import cast, expect

# 2026-03-09 is a Monday.
NO_PORTION = {"portion": None, "unit": None}
POHA = {"dish": "Poha", "diet_tag": "veg", "allergens": [], **NO_PORTION}
OMELETTE = {"dish": "Omelette", "diet_tag": "egg", "allergens": ["egg"], **NO_PORTION}
CHICKEN = {"dish": "Chicken curry", "diet_tag": "non_veg", "allergens": [], "portion": 120, "unit": "g"}


def meal(day: dict, slot: str) -> dict:
    return next(m for m in day["meals"] if m["slot"] == slot)


async def test_template_fills_dates_without_their_own_menu(world, client):
    c = await cast(world)
    w = c.warden.headers
    put = await client.put("/api/v1/menu/template/mon/breakfast", json={"dishes": [POHA, OMELETTE]}, headers=w)
    assert expect(put, 200)["dishes"] == [POHA, OMELETTE]
    expect(await client.put("/api/v1/menu/template/Tuesday/breakfast", json={"dishes": [OMELETTE]}, headers=w), 200)
    expect(await client.put("/api/v1/menu/2026-03-09/dinner", json={"dishes": [CHICKEN]}, headers=w), 200)

    monday = expect(await client.get("/api/v1/menu?date=2026-03-09", headers=c.resident.headers), 200)
    assert (monday["date"], monday["weekday"]) == ("2026-03-09", 0)
    assert [m["slot"] for m in monday["meals"]] == ["breakfast", "lunch", "snacks", "dinner"]
    assert (meal(monday, "breakfast")["source"], meal(monday, "breakfast")["dishes"]) == ("template", [POHA, OMELETTE])
    assert (meal(monday, "dinner")["source"], meal(monday, "dinner")["dishes"]) == ("day", [CHICKEN])
    assert (meal(monday, "lunch")["source"], meal(monday, "lunch")["dishes"]) == ("none", [])

    # The date's own dishes win over the template; an empty list clears them and the template shows again.
    expect(await client.put("/api/v1/menu/2026-03-16/breakfast", json={"dishes": [OMELETTE]}, headers=w), 200)
    week = expect(await client.get("/api/v1/menu?from=2026-03-09&to=2026-03-16", headers=c.staff.headers), 200)
    assert [d["date"] for d in week] == [f"2026-03-{d:02d}" for d in range(9, 17)]
    assert [meal(d, "breakfast")["source"] for d in week] == ["template", "template"] + ["none"] * 5 + ["day"]
    assert meal(week[1], "breakfast")["dishes"] == [OMELETTE]
    cleared = await client.put("/api/v1/menu/2026-03-16/breakfast", json={"dishes": []}, headers=w)
    assert meal(expect(cleared, 200), "breakfast") == {
        **meal(expect(cleared, 200), "breakfast"),
        "source": "template",
        "dishes": [POHA, OMELETTE],
    }

    template = expect(await client.get("/api/v1/menu/template", headers=c.resident.headers), 200)
    assert len(template) == 7 * 4
    assert next(t for t in template if t["weekday"] == 0 and t["slot"] == "breakfast")["dishes"] == [POHA, OMELETTE]
    # Replacing a template meal replaces it whole.
    expect(await client.put("/api/v1/menu/template/0/breakfast", json={"dishes": [CHICKEN]}, headers=w), 200)
    monday = expect(await client.get("/api/v1/menu?date=2026-03-09", headers=c.warden.headers), 200)
    assert meal(monday, "breakfast")["dishes"] == [CHICKEN]


async def test_menu_for_range_uses_a_fixed_number_of_queries(world, client, database):
    c = await cast(world)
    for weekday in range(7):
        body = {"dishes": [POHA, {"dish": f"Special {weekday}", "diet_tag": "jain"}]}
        expect(await client.put(f"/api/v1/menu/template/{weekday}/lunch", json=body, headers=c.warden.headers), 200)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.read_only() as session:
            statements.clear()
            one = await menu_for_range(session, c.mess.id, date(2026, 3, 9), date(2026, 3, 9))
            few = len(statements)
            statements.clear()
            many = await menu_for_range(session, c.mess.id, date(2026, 3, 9), date(2026, 3, 22))
            assert len(statements) == few == 2  # slots; the dates' dishes and the template in one statement
            statements.clear()
            slots = await list_slots(session, c.mess.id)
            statements.clear()
            given = await menu_for_range(session, c.mess.id, date(2026, 3, 9), date(2026, 3, 22), slots)
            assert len(statements) == 1 and given == many  # the caller's slots: one statement
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    assert len(one) == 1 and len(many) == 14
    assert [meal(d.model_dump(), "lunch")["dishes"][1]["dish"] for d in many[:7]] == [f"Special {i}" for i in range(7)]


async def test_menu_roles_and_scoping(world, client):
    c = await cast(world, full=True)
    assert c.admin is not None
    body = {"dishes": [POHA]}
    expect(await client.put("/api/v1/menu/2026-03-09/lunch", json=body, headers=c.resident.headers), 403, "forbidden")
    expect(await client.put("/api/v1/menu/2026-03-09/lunch", json=body, headers=c.staff.headers), 403, "forbidden")
    expect(await client.put("/api/v1/menu/template/mon/lunch", json=body, headers=c.staff.headers), 403, "forbidden")
    expect(await client.get("/api/v1/menu?date=2026-03-09"), 401, "not_authenticated")
    expect(await client.put("/api/v1/menu/2026-03-09/lunch", json=body, headers=c.warden.headers), 200)

    # Mess B's warden sees mess B's menu, cannot name mess A, and cannot write into it.
    other = expect(await client.get("/api/v1/menu?date=2026-03-09", headers=c.other_warden.headers), 200)
    assert meal(other, "lunch")["source"] == "none"
    peek = await client.get(f"/api/v1/menu?date=2026-03-09&mess_id={c.mess.id}", headers=c.other_warden.headers)
    expect(peek, 403, "wrong_mess")
    write = await client.put(
        "/api/v1/menu/2026-03-09/lunch", json={**body, "mess_id": c.mess.id}, headers=c.other_warden.headers
    )
    expect(write, 403, "wrong_mess")
    expect(await client.get("/api/v1/menu?date=2026-03-09", headers=c.admin.headers), 422, "mess_required")
    by_admin = await client.get(f"/api/v1/menu?date=2026-03-09&mess_id={c.mess.id}", headers=c.admin.headers)
    assert meal(expect(by_admin, 200), "lunch")["dishes"] == [POHA]


async def test_menu_bad_input(world, client):
    c = await cast(world)
    w = c.warden.headers
    for query in (
        "",
        "?date=2026-02-30",
        "?from=2026-03-01",
        "?from=2026-03-10&to=2026-03-09",
        "?from=2026-03-01&to=2026-03-15",  # 15 days: 14 is the most
        "?date=2026-03-09&from=2026-03-09&to=2026-03-09",
        "?date=2026-03-09&mess_id=99999999999999",
    ):
        expect(await client.get(f"/api/v1/menu{query}", headers=w), 422, "invalid_input")
    assert len(expect(await client.get("/api/v1/menu?from=2026-03-01&to=2026-03-14", headers=w), 200)) == 14
    for weekday in ("7", "-1", "funday", "mo"):
        response = await client.put(f"/api/v1/menu/template/{weekday}/lunch", json={"dishes": [POHA]}, headers=w)
        expect(response, 422, "invalid_input")
    for bad in (
        {"dishes": [{"dish": "Soup", "diet_tag": "vegan"}]},
        {"dishes": [{"dish": "", "diet_tag": "veg"}]},
        {"dishes": [{"dish": "x" * 121}]},
        {"dishes": [POHA] * 31},
        {"dishes": "Poha"},
        {},
    ):
        expect(await client.put("/api/v1/menu/2026-03-09/lunch", json=bad, headers=w), 422, "invalid_input")
    expect(await client.put("/api/v1/menu/2026-03-09/brunch", json={"dishes": []}, headers=w), 404, "unknown_slot")
    expect(await client.put("/api/v1/menu/template/mon/brunch", json={"dishes": []}, headers=w), 404, "unknown_slot")
    expect(await client.put("/api/v1/menu/2026-13-01/lunch", json={"dishes": []}, headers=w), 422, "invalid_input")
