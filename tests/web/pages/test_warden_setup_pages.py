"""The warden's residents, slots and prices, menu, adjustments and expenses pages."""

from __future__ import annotations

import re

from tests.web.pages.helpers import signed_in


async def test_residents_list_search_add_edit_end(world, browser, visit):
    mess = await world.mess()
    existing = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    w = await visit(warden.actor.login)
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
    (await w.submit("/warden/residents", form)).accepted("Added Meera Iyer (CS24-117)")
    duplicate = (await w.submit("/warden/residents", form)).refused(409, "is taken")
    if w.htmx:  # the form keeps what was typed (but never the password)
        assert 'value="Meera Iyer"' in duplicate.text and "first-password" not in duplicate.text
    (await w.submit("/warden/residents", {**form, "roll_no": "X1", "email": "nope"})).refused(422, "email")
    found = await w.fragment("/warden/residents?q=meera")
    assert "CS24-117" in found.text and existing.roll_no not in found.text and "<html" not in found.text
    resident_id = int(re.search(r'href="/warden/residents/(\d+)">CS24-117', found.text).group(1))  # type: ignore[union-attr]
    edit = await w.get(f"/warden/residents/{resident_id}")
    assert 'value="meera@example.edu"' in edit.text
    saved = await w.submit(
        f"/warden/residents/{resident_id}",
        {"name": "Meera K. Iyer", "email": "meera@example.edu", "diet": "veg", "active_from": "2026-03-01"},
    )
    saved.accepted("Saved Meera K. Iyer.")
    ending = {"end_residency": "1", "active_to": "2026-03-31"}
    (await w.submit(f"/warden/residents/{resident_id}", ending)).accepted(
        "Residency of Meera K. Iyer ends on Tue 31 Mar."
    )
    before_start = await w.submit(f"/warden/residents/{resident_id}", {**ending, "active_to": "2026-02-01"})
    before_start.refused(422, "The last day of stay is before the first.")
    # The new resident signs in with the roll number.
    m = await signed_in(browser, "CS24-117", "first-password")
    assert (await m.get("/week")).status_code == 200
    other = await world.user("warden", (await world.mess()).id)
    o = await signed_in(browser, other.actor.login)
    assert (await o.get(f"/warden/residents/{resident_id}")).status_code == 403


async def test_prices_policy_and_fixed_charge(world, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    w = await visit(warden.actor.login)
    page = await w.get("/warden/prices")
    assert "No prices yet" in page.text and "7:30 am–9:30 am" in page.text
    prices = {
        "slot": "lunch",
        "effective_from": "2026-03-01",
        "price": "45",
        "guest_price": "60.5",
        "walk_in_price": "70",
    }
    added = await w.submit("/warden/prices", prices)
    added.accepted("lunch prices from Sun 01 Mar saved.", "₹45.00", "₹60.50", "in force")
    later = (await w.submit("/warden/prices", {**prices, "effective_from": "2026-04-01", "price": "50"})).accepted()
    assert "₹50.00" in later.text
    assert later.text.count("in force") == 2  # the March row is in force today, the April row not yet (+ the help)
    (await w.submit("/warden/prices", {**prices, "price": "4.555"})).refused(422, "two digits")
    charge = {"amount": "1,500", "effective_from": "2026-03-01"}
    (await w.submit("/warden/fixed-charges", charge)).accepted("₹1,500.00")
    policy = await w.submit(
        "/warden/policy",
        {"booking_mode": "opt_in", "cutoff_minutes": "600", "min_rebate_days": "2", "max_guests": "3"},
    )
    policy.accepted("Mess policy saved.", 'value="opt_in" selected')
    me = (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]
    assert (me["booking_mode"], me["cutoff_minutes"], me["max_guests"], me["allow_walk_in"]) == (
        "opt_in",
        600,
        3,
        False,
    )
    upi = await w.submit(
        "/warden/policy",
        {"booking_mode": "opt_in", "payment_due_days": "7", "upi_vpa": "hostelmess@sbi", "payee_name": "Hostel Mess"},
    )
    upi.accepted("Mess policy saved.", 'value="hostelmess@sbi"')
    me = (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]
    assert (me["payment_due_days"], me["upi_vpa"], me["payee_name"]) == (7, "hostelmess@sbi", "Hostel Mess")
    cleared = await w.submit("/warden/policy", {"booking_mode": "opt_in", "payment_due_days": "7", "upi_vpa": ""})
    cleared.accepted("Mess policy saved.")
    me = (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]
    assert (me["upi_vpa"], me["payee_name"]) == (None, None)
    target = await w.submit("/warden/policy", {"booking_mode": "opt_in", "waste_target_grams": "60"})
    target.accepted("Mess policy saved.", 'name="waste_target_grams" type="number" min="0" max="5000" value="60"')
    me = (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]
    assert me["waste_target_grams"] == 60
    (await w.submit("/warden/policy", {"booking_mode": "opt_in", "waste_target_grams": ""})).accepted()
    assert (await world.client.get("/api/v1/messes", headers=warden.headers)).json()[0]["waste_target_grams"] is None


async def test_menu_template_and_override(world, browser, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    w = await visit(warden.actor.login)
    template = await w.submit(
        "/warden/menu/template/3/lunch", {"dishes": "Rajma\nJeera rice\nChicken 65 (non-veg)", "start": "2026-03-09"}
    )
    template.accepted("Weekly template for lunch on Thursdays saved.", "Chicken 65 (non-veg)")
    override = await w.submit("/warden/menu/day/2026-03-12/lunch", {"dishes": "Festival thali (jain)"})
    override.accepted("Festival thali")
    assert w.htmx or override.location == "/warden/menu?start=2026-03-09"
    r = await signed_in(browser, resident.roll_no)
    week = await r.get("/week")
    this_thursday = week.text.split('id="m-2026-03-12-lunch"')[1].split("</td>")[0]
    assert "Festival thali" in this_thursday and "Rajma" not in this_thursday
    next_week = await r.get("/week?start=2026-03-16")
    assert "Rajma" in next_week.text.split('id="m-2026-03-19-lunch"')[1].split("</td>")[0]
    (await w.submit("/warden/menu/day/2026-03-12/lunch", {"dishes": "(egg)"})).refused(422, "a dish needs a name")


async def test_adjustments_and_expenses(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    w = await visit(warden.actor.login)
    credit = await w.submit(
        "/warden/adjustments",
        {"roll_no": resident.roll_no, "kind": "credit", "amount": "250", "date": "2026-03-05", "reason": "cold food"},
    )
    credit.accepted("A credit of 250.00", "2026-03 bill", "-₹250.00", "cold food")
    no_reason = {"roll_no": resident.roll_no, "kind": "debit", "amount": "10", "reason": " "}
    (await w.submit("/warden/adjustments", no_reason)).refused(422)
    (await w.submit("/warden/adjustments", {"roll_no": "NOBODY", "amount": "10", "reason": "x"})).refused(404)
    expense = {"date": "2026-03-09", "category": "dairy", "amount": "12000.50", "note": "milk"}
    (await w.submit("/warden/expenses", expense)).accepted("Expense recorded: dairy on Mon 09 Mar.", "₹12,000.50")
    future = {"date": "2026-03-20", "category": "dairy", "amount": "1"}
    (await w.submit("/warden/expenses", future)).refused(422, "after today")
