"""A resident's own pages: leave, ratings, QR code, bills (and nobody else's bill)."""

from __future__ import annotations

import re

from tests.web.pages.helpers import bill_month, set_prices, signed_in


async def test_apply_for_leave_and_see_its_status(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    page = await b.get("/me/leaves")
    assert "No leave applications yet." in page.text
    applied = await b.submit("/me/leaves", {"start_date": "2026-03-20", "end_date": "2026-03-23", "reason": "home"})
    applied.accepted("Leave Fri 20 Mar to Mon 23 Mar applied for", "Pending")
    overlap = await b.submit("/me/leaves", {"start_date": "2026-03-22", "end_date": "2026-03-25"})
    overlap.refused(409, "overlaps the pending leave")
    if b.htmx:  # the form keeps what was typed, beside the error
        assert 'value="2026-03-22"' in overlap.text and 'value="2026-03-25"' in overlap.text
    backwards = await b.submit("/me/leaves", {"start_date": "2026-03-25", "end_date": "2026-03-24"})
    backwards.refused(422, "The last day is before the first day.")
    too_late = await b.submit("/me/leaves", {"start_date": "2026-03-10", "end_date": "2026-03-11"})
    too_late.refused(409, "had to be applied for before")
    leave_id = re.search(r'id="leave-(\d+)"', (await b.get("/me/leaves")).text).group(1)  # type: ignore[union-attr]
    withdrawn = await b.submit(f"/me/leaves/{leave_id}/withdraw", {})
    withdrawn.accepted("Leave Fri 20 Mar to Mon 23 Mar withdrawn", "Withdrawn")
    assert f'action="/me/leaves/{leave_id}/withdraw"' not in (await b.get("/me/leaves")).text
    again = await b.submit(f"/me/leaves/{leave_id}/withdraw", {})
    again.refused(409, "already withdrawn")


async def test_rate_a_meal(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await visit(resident.roll_no)
    saved = await b.submit("/me/feedback", {"date": "2026-03-09", "slot": "dinner", "rating": "5", "comment": "great"})
    saved.accepted("Thank you: your rating is saved.", "5 / 5", "great")
    early = await b.submit("/me/feedback", {"date": "2026-03-10", "slot": "dinner", "rating": "4"})
    early.refused(409, "served yet")
    bad = await b.submit("/me/feedback", {"date": "2026-03-09", "slot": "dinner", "rating": "9"})
    bad.refused(422, "rating")


async def test_qr_code_renews_itself(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no)
    page = await b.get("/me/qr")
    assert "<svg" in page.text and 'hx-trigger="every ' in page.text
    assert '<noscript><meta http-equiv="refresh"' in page.text
    first = re.search(r'<code id="qr-token">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    world.clock.advance(seconds=30)
    again = await b.fragment("/me/qr")
    assert "<html" not in again.text and "<svg" in again.text
    second = re.search(r'<code id="qr-token">([^<]+)</code>', again.text).group(1)  # type: ignore[union-attr]
    assert first != second


async def test_bills_own_only(world, browser):
    mess = await world.mess()
    alice = await world.resident(mess.id)
    bob = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    await set_prices(world, warden)
    await bill_month(world, warden, "2026-02")
    a = await signed_in(browser, alice.roll_no)
    listing = await a.get("/me/bills")
    assert "February 2026" in listing.text
    own_id = int(re.search(r'href="/bills/(\d+)"', listing.text).group(1))  # type: ignore[union-attr]
    own = await a.get(f"/bills/{own_id}")
    assert own.status_code == 200 and alice.roll_no in own.text
    # 28 days x 4 booked meals at ₹40.00 each.
    assert "₹4,480.00" in own.text and "data-print" in own.text
    fragment = await a.fragment(f"/bills/{own_id}")
    assert "<html" not in fragment.text and "₹4,480.00" in fragment.text
    bo = await signed_in(browser, bob.roll_no)
    peek = await bo.get(f"/bills/{own_id}")
    assert peek.status_code == 404 and alice.roll_no not in peek.text
    w = await signed_in(browser, warden.actor.login)
    assert (await w.get(f"/bills/{own_id}")).status_code == 200
    other_mess = await world.mess()
    outsider = await world.user("warden", other_mess.id)
    o = await signed_in(browser, outsider.actor.login)
    assert (await o.get(f"/bills/{own_id}")).status_code == 404
