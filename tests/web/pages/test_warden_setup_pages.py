"""The warden's residents, slots and prices, menu, adjustments and expenses pages."""

from __future__ import annotations

import re

from tests.web.pages.helpers import HX, signed_in


async def test_residents_list_search_add_edit_end(world, browser):
    mess = await world.mess()
    existing = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    w = await signed_in(browser, warden.actor.login)
    listing = await w.get("/warden/residents")
    assert existing.roll_no in listing.text
    form = {
        "roll_no": "CS24-117",
        "name": "Meera Iyer",
        "email": "meera@example.edu",
        "password": "first-password",
        "diet": "egg",
        "active_from": "2026-03-01",
    }
    added = await w.post("/warden/residents", form, headers=HX)
    assert added.status_code == 200 and "Added Meera Iyer (CS24-117)" in added.text
    duplicate = await w.post("/warden/residents", form, headers=HX)
    assert duplicate.status_code == 409 and "is taken" in duplicate.text and 'value="Meera Iyer"' in duplicate.text
    bad = await w.post("/warden/residents", {**form, "roll_no": "X1", "email": "nope"}, headers=HX)
    assert bad.status_code == 422 and "email" in bad.text
    found = await w.get("/warden/residents?q=meera", headers=HX)
    assert "CS24-117" in found.text and existing.roll_no not in found.text and "<html" not in found.text
    resident_id = int(re.search(r'href="/warden/residents/(\d+)">CS24-117', found.text).group(1))  # type: ignore[union-attr]
    edit = await w.get(f"/warden/residents/{resident_id}")
    assert 'value="meera@example.edu"' in edit.text
    saved = await w.post(
        f"/warden/residents/{resident_id}",
        {"name": "Meera K. Iyer", "email": "meera@example.edu", "diet": "veg", "active_from": "2026-03-01"},
    )
    assert saved.status_code == 303
    assert "Saved Meera K. Iyer." in (await w.get(saved.headers["location"])).text
    ended = await w.post(
        f"/warden/residents/{resident_id}", {"end_residency": "1", "active_to": "2026-03-31"}, headers=HX
    )
    assert "Residency of Meera K. Iyer ends on Tue 31 Mar." in ended.text
    before_start = await w.post(
        f"/warden/residents/{resident_id}", {"end_residency": "1", "active_to": "2026-02-01"}, headers=HX
    )
    assert before_start.status_code == 422 and "The last day of stay is before the first." in before_start.text
    # The new resident signs in with the roll number.
    m = await signed_in(browser, "CS24-117", "first-password")
    assert (await m.get("/week")).status_code == 200
    other = await world.user("warden", (await world.mess()).id)
    o = await signed_in(browser, other.actor.login)
    assert (await o.get(f"/warden/residents/{resident_id}")).status_code == 403


async def test_prices_policy_and_fixed_charge(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    w = await signed_in(browser, warden.actor.login)
    page = await w.get("/warden/prices")
    assert "No prices yet" in page.text and "7:30 am–9:30 am" in page.text
    prices = {
        "slot": "lunch",
        "effective_from": "2026-03-01",
        "price": "45",
        "guest_price": "60.5",
        "walk_in_price": "70",
    }
    added = await w.post("/warden/prices", prices, headers=HX)
    assert added.status_code == 200 and "lunch prices from Sun 01 Mar saved." in added.text
    assert "₹45.00" in added.text and "₹60.50" in added.text and "in force" in added.text
    later = await w.post("/warden/prices", {**prices, "effective_from": "2026-04-01", "price": "50"}, headers=HX)
    assert "₹50.00" in later.text
    assert later.text.count("in force") == 2  # the March row is in force today, the April row not yet (+ the help)
    bad = await w.post("/warden/prices", {**prices, "price": "4.555"}, headers=HX)
    assert bad.status_code == 422 and "two digits" in bad.text
    charge = await w.post("/warden/fixed-charges", {"amount": "1,500", "effective_from": "2026-03-01"})
    assert charge.status_code == 303
    assert "₹1,500.00" in (await w.get("/warden/prices")).text
    policy = await w.post(
        "/warden/policy",
        {"booking_mode": "opt_in", "cutoff_minutes": "600", "min_rebate_days": "2", "max_guests": "3"},
        headers=HX,
    )
    assert "Mess policy saved." in policy.text and 'value="opt_in" selected' in policy.text
    me = (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]
    assert (me["booking_mode"], me["cutoff_minutes"], me["max_guests"], me["allow_walk_in"]) == (
        "opt_in",
        600,
        3,
        False,
    )


async def test_menu_template_and_override(world, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    w = await signed_in(browser, warden.actor.login)
    template = await w.post(
        "/warden/menu/template/3/lunch",
        {"dishes": "Rajma\nJeera rice\nChicken 65 (non-veg)", "start": "2026-03-09"},
        headers=HX,
    )
    assert template.status_code == 200 and "Weekly template for lunch on Thursdays saved." in template.text
    assert "Chicken 65 (non-veg)" in template.text
    override = await w.post("/warden/menu/day/2026-03-12/lunch", {"dishes": "Festival thali (jain)"})
    assert override.status_code == 303 and override.headers["location"] == "/warden/menu?start=2026-03-09"
    r = await signed_in(browser, resident.roll_no)
    week = await r.get("/week")
    this_thursday = week.text.split('id="m-2026-03-12-lunch"')[1].split("</td>")[0]
    assert "Festival thali" in this_thursday and "Rajma" not in this_thursday
    next_week = await r.get("/week?start=2026-03-16")
    assert "Rajma" in next_week.text.split('id="m-2026-03-19-lunch"')[1].split("</td>")[0]
    empty_name = await w.post("/warden/menu/day/2026-03-12/lunch", {"dishes": "(egg)"}, headers=HX)
    assert empty_name.status_code == 422


async def test_adjustments_and_expenses(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    w = await signed_in(browser, warden.actor.login)
    credit = await w.post(
        "/warden/adjustments",
        {"roll_no": resident.roll_no, "kind": "credit", "amount": "250", "date": "2026-03-05", "reason": "cold food"},
        headers=HX,
    )
    assert credit.status_code == 200 and "A credit of 250.00" in credit.text and "2026-03 bill" in credit.text
    assert "-₹250.00" in credit.text and "cold food" in credit.text
    no_reason = await w.post(
        "/warden/adjustments", {"roll_no": resident.roll_no, "kind": "debit", "amount": "10", "reason": " "}, headers=HX
    )
    assert no_reason.status_code == 422
    nobody = await w.post("/warden/adjustments", {"roll_no": "NOBODY", "amount": "10", "reason": "x"}, headers=HX)
    assert nobody.status_code == 404
    expense = await w.post(
        "/warden/expenses", {"date": "2026-03-09", "category": "dairy", "amount": "12000.50", "note": "milk"}
    )
    assert expense.status_code == 303
    page = await w.get("/warden/money?month=2026-03")
    assert "Expense recorded: dairy on Mon 09 Mar." in page.text and "₹12,000.50" in page.text
    future = await w.post("/warden/expenses", {"date": "2026-03-20", "category": "dairy", "amount": "1"}, headers=HX)
    assert future.status_code == 422 and "after today" in future.text
