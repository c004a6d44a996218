"""The resident's week: full page and fragment, the per-cell toggle, cutoffs, guests, leave, page weight."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from mess.leaves.schemas import LeaveIn
from mess.leaves.service import apply_for_leave
from mess.menus.schemas import Dish, DishesIn
from mess.menus.service import set_template
from tests.web.pages.helpers import signed_in


async def test_full_page_and_fragment_of_the_same_route(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    async with world.database.transaction() as session:
        dishes = DishesIn(dishes=[Dish(dish="Rajma chawal"), Dish(dish="Chicken curry", diet_tag="non_veg")])
        await set_template(session, warden.actor, 3, "lunch", dishes, world.clock.now())  # Thursdays
    b = await signed_in(browser, resident.roll_no)
    full = await b.get("/week")
    assert full.status_code == 200
    assert full.text.startswith("<!doctype html>") and '<nav aria-label="Main">' in full.text
    assert "Your meals from today" in full.text
    fragment = await b.fragment("/week")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and '<nav aria-label="Main">' not in fragment.text
    assert "Your meals from today" in fragment.text
    for text in (full.text, fragment.text):
        assert text.count('class="meal ') == 28  # 7 days x 4 slots
        assert "Rajma chawal" in text and "(non-veg)" in text
    # It is Tue 10 Mar, 09:00: Thursday's lunch closes at 00:30 that day (12:30 minus 720 minutes); today's is closed.
    assert "closes in 1 day 15 h" in full.text and "(Thu 12 Mar, 12:30 am)" in full.text
    assert "Closed at Tue 10 Mar, 12:30 am" in full.text
    following = await b.fragment("/week?start=2026-03-16")
    assert "Meals, week of Mon 16 Mar" in following.text
    mid_week = await b.get("/week?start=2026-03-18")
    assert "Meals, week of Mon 16 Mar" in mid_week.text


async def test_toggle_returns_only_its_cell(world, visit):
    mess = await world.mess(max_guests=3)
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    cell = 'id="m-2026-03-12-lunch"'
    cancel = (await b.submit("/week/2026-03-12/lunch", {"action": "cancel"})).accepted("Not booked")
    if b.htmx:  # htmx swaps in the meal's card alone
        assert cancel.text.startswith(f"<article {cell}") and cancel.text.rstrip().endswith("</article>")
        assert 'hx-target="#m-2026-03-12-lunch"' in cancel.text
    (await b.submit("/week/2026-03-12/lunch", {"action": "book", "guests": "2"})).accepted("Booked +2 guests")
    rows = (await b.client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12")).json()
    lunch = next(r for r in rows if r["slot"] == "lunch")
    assert (lunch["booked"], lunch["guests"], lunch["source"]) == (True, 2, "explicit")
    too_many = await b.submit("/week/2026-03-12/lunch", {"action": "book", "guests": "4"})
    too_many.refused(422, "at most 3 guests")
    if b.htmx:  # the card again, with what was typed and the message beside the field
        assert too_many.text.startswith(f"<article {cell}") and "<details open>" in too_many.text
        assert 'aria-invalid="true"' in too_many.text and 'value="4"' in too_many.text
    not_a_number = await b.submit("/week/2026-03-12/lunch", {"action": "save", "guests": "two"})
    not_a_number.refused(422, "number of guests")
    # a 20-digit count stays in its field with the message beside it; the meal's card stays whole
    huge = (await b.submit("/week/2026-03-12/lunch", {"action": "save", "guests": "9" * 20})).refused(422, "Booked")
    if b.htmx:
        assert huge.text.startswith(f"<article {cell}") and f'value="{"9" * 20}"' in huge.text
        assert 'id="e-m-2026-03-12-lunch"' in huge.text
    (await b.submit("/week/2026-03-12/brunch", {"action": "book"})).refused(404)


async def test_without_javascript_the_form_posts_and_redirects_back(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no)
    response = await b.post("/week/2026-03-12/lunch", {"action": "cancel"})
    assert response.status_code == 303
    assert response.headers["location"] == "/week?start=2026-03-09#m-2026-03-12-lunch"
    page = await b.get(response.headers["location"])
    assert "Skipped: Lunch on Thu 12 Mar." in page.text
    again = await b.get("/week")
    assert "Skipped: Lunch" not in again.text  # the message is shown once


async def test_after_the_cutoff_the_change_is_refused_clearly(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    # It is 09:00 on Tuesday 10 March: today's lunch closed at 00:30.
    late = await b.submit("/week/2026-03-10/lunch", {"action": "cancel"})
    late.refused(409, "Booking for Lunch on Tue 10 Mar closed at Tue 10 Mar, 12:30 am", "Booked")
    if b.htmx:  # the card, read-only now, with the message
        assert "<form" not in late.text and 'role="alert"' in late.text
    rows = (await b.client.get("/api/v1/bookings?from=2026-03-10&to=2026-03-10")).json()
    assert next(r for r in rows if r["slot"] == "lunch")["booked"] is True


async def test_approved_leave_shows_on_leave(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    async with world.database.transaction() as session:
        start, end = date(2026, 3, 13), date(2026, 3, 14)
        data = LeaveIn(start_date=start, end_date=end, resident_id=resident.resident_id, status="approved")
        await apply_for_leave(session, warden.actor, data, world.clock.now())
    b = await visit(resident.roll_no)
    page = await b.get("/week")
    cell = page.text.split('id="m-2026-03-13-dinner"')[1].split("</article>")[0]
    assert "On leave" in cell and "<form" not in cell
    (await b.submit("/week/2026-03-13/dinner", {"action": "book"})).refused(409, "approved leave")


async def test_week_page_weighs_under_50_kb(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no)
    total = 0
    page = await b.client.get("/week", headers={"Accept-Encoding": "gzip"})
    total += page.num_bytes_downloaded
    for asset in ("/static/app.css", "/static/app.js", "/static/htmx.min.js"):
        assert f'"{asset}"' in page.text
        response = await b.client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers.get("content-encoding") == "gzip"
        total += response.num_bytes_downloaded
    assert total < 50 * 1024, total
    assert "http://" not in page.text.replace("http://www.w3.org", "") and "https://" not in page.text


async def test_on_a_thursday_the_week_opens_at_today_with_the_next_open_meal(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    async with world.database.transaction() as session:
        data = LeaveIn(start_date=date(2026, 3, 14), end_date=date(2026, 3, 14), reason="home")
        await apply_for_leave(session, resident.actor, data, world.clock.now())
    world.at(datetime(2026, 3, 12, 4, 30, tzinfo=UTC))  # Thu 12 Mar, 10:00 in Kolkata
    b = await signed_in(browser, resident.roll_no)
    page = (await b.get("/week")).text
    days = re.findall(r'<h2 id="d-([0-9-]+)"', page)
    assert days[0] == "2026-03-12" and len(days) == 7 and '<span class="badge">Today</span>' in page
    # today's meals closed at 00:30: read-only; the next open meal is Friday's breakfast, named at the top
    today = page.split('id="m-2026-03-12-lunch"')[1].split("</article>")[0]
    assert "<form" not in today and "Closed at Thu 12 Mar, 12:30 am" in today
    assert 'Next: <a href="#m-2026-03-13-breakfast">' in page and "closes in" in page.split('class="nextmeal"')[1]
    # one tap: the open meal's first form has the action and a single button
    friday = page.split('id="m-2026-03-13-lunch"')[1].split("</article>")[0]
    assert 'name="action" value="cancel"' in friday and ">Skip</button>" in friday
    # the pending leave shows on the day it covers, not on others
    saturday = page.split('id="m-2026-03-14-lunch"')[1].split("</article>")[0]
    assert "Leave asked" in saturday and "Leave asked" not in friday
