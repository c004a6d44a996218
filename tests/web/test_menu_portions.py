"""Portions per plate on dishes (PRODUCT 7.5): through the menu API, the warden's menu text, and into the plan."""

from __future__ import annotations

from tests.web.domain_helpers import cast, expect
from web.pages.warden_setup import dishes_text, parse_dishes

RICE = {"dish": "Rice", "diet_tag": "veg", "allergens": [], "portion": 180, "unit": "g"}
TEA = {"dish": "Tea", "diet_tag": "veg", "allergens": ["dairy"], "portion": 150, "unit": "ml"}
ROTI = {"dish": "Roti", "diet_tag": "jain", "allergens": ["gluten"], "portion": 3, "unit": "pieces"}


async def test_portions_round_trip_through_day_and_template_menus(world, client):
    c = await cast(world)
    w = c.warden.headers
    put = await client.put("/api/v1/menu/template/tue/lunch", json={"dishes": [RICE, ROTI]}, headers=w)
    assert expect(put, 200)["dishes"] == [RICE, ROTI]
    expect(await client.put("/api/v1/menu/2026-03-09/breakfast", json={"dishes": [TEA]}, headers=w), 200)
    tuesday = expect(await client.get("/api/v1/menu?date=2026-03-10", headers=c.staff.headers), 200)
    lunch = next(m for m in tuesday["meals"] if m["slot"] == "lunch")
    assert (lunch["source"], lunch["dishes"]) == ("template", [RICE, ROTI])
    monday = expect(await client.get("/api/v1/menu?date=2026-03-09", headers=c.staff.headers), 200)
    assert next(m for m in monday["meals"] if m["slot"] == "breakfast")["dishes"] == [TEA]
    plan = expect(await client.get("/api/v1/kitchen/plan?date=2026-03-10&slot=lunch", headers=c.staff.headers), 200)
    assert [(d["dish"], d["portion"], d["unit"]) for d in plan["dishes"]] == [("Rice", 180, "g"), ("Roti", 3, "pieces")]


async def test_a_portion_needs_its_unit(world, client):
    c = await cast(world)
    for dish in ({**RICE, "unit": None}, {**RICE, "portion": None}, {**RICE, "unit": "kg"}, {**RICE, "portion": 0}):
        response = await client.put("/api/v1/menu/2026-03-09/lunch", json={"dishes": [dish]}, headers=c.warden.headers)
        assert expect(response, 422)["code"] == "invalid_input"


def test_the_menu_text_carries_portions():
    parsed = parse_dishes("Rice 180 g\nTea [dairy] 150 ml\nRoti (jain) [gluten] 3 pcs\nPickle")
    assert [d.model_dump() for d in parsed.dishes] == [
        RICE,
        TEA,
        ROTI,
        {"dish": "Pickle", "diet_tag": "veg", "allergens": [], "portion": None, "unit": None},
    ]
    assert dishes_text(parsed.dishes) == "Rice 180 g\nTea [dairy] 150 ml\nRoti (jain) [gluten] 3 pieces\nPickle"
