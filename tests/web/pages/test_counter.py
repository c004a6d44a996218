"""The counter tablet: check-in by roll number and QR, scoping to the staff's mess, headcount, extras, wastage."""

from __future__ import annotations

import re

from mess.extras.schemas import ItemIn
from mess.extras.service import create_item
from tests.web.domain_helpers import cast
from tests.web.pages.helpers import signed_in
from tests.web.test_photos import picture


def result_of(html: str) -> str:
    match = re.search(r'data-result="([a-z_]+)"', html)
    assert match, html
    return match.group(1)


async def test_check_in_by_roll_number_then_duplicate(world, visit):
    mess = await world.mess()  # breakfast 07:30-09:30 is being served at 09:00
    resident = await world.resident(mess.id)
    staff = await world.user("staff", mess.id)
    b = await visit(staff.actor.login)
    page = await b.get("/counter")
    assert "Serving: <strong>Breakfast</strong>" in page.text
    first = (await b.submit("/counter/checkin", {"code": resident.roll_no})).accepted("OK: come in", resident.roll_no)
    assert result_of(first.text) == "ok"
    # The counter answers in place either way: the result alone for htmx, the whole page without JavaScript.
    second = (await b.submit("/counter/checkin", {"code": resident.roll_no})).accepted("Duplicate")
    assert result_of(second.text) == "duplicate" and second.text.startswith("<!doctype html>") is not b.htmx
    unknown = await b.submit("/counter/checkin", {"code": "NOBODY"})
    assert result_of(unknown.text) == "unknown_resident"
    empty = (await b.submit("/counter/checkin", {"code": ""})).refused(422)
    assert result_of(empty.text) == "refused"


async def test_staff_of_one_mess_cannot_check_in_a_resident_of_another(world, visit):
    home = await world.mess()
    other = await world.mess()
    stranger = await world.resident(other.id)
    staff = await world.user("staff", home.id)
    b = await visit(staff.actor.login)
    response = await b.submit("/counter/checkin", {"code": stranger.roll_no})
    assert result_of(response.text) == "wrong_mess" and "Wrong mess" in response.text
    # Nobody was admitted: the stranger's own mess still sees no check-in.
    other_staff = await world.user("staff", other.id)
    count = await world.client.get("/api/v1/headcount", headers=other_staff.headers)
    assert count.json()["checked_in"] == 0


async def test_check_in_with_the_residents_qr_code(world, browser, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    staff = await world.user("staff", mess.id)
    r = await signed_in(browser, resident.roll_no)
    qr_page = await r.get("/me/qr")
    token = re.search(r'<code id="qr-token">([^<]+)</code>', qr_page.text).group(1)  # type: ignore[union-attr]
    s = await visit(staff.actor.login)
    response = (await s.submit("/counter/checkin", {"code": token})).accepted(resident.roll_no)
    assert result_of(response.text) == "ok"
    world.clock.advance(seconds=world.settings.qr_token_seconds + 1)
    expired = await s.submit("/counter/checkin", {"code": token})
    assert result_of(expired.text) == "refused" and "Expired code" in expired.text


async def test_live_headcount_both_modes(world, browser):
    mess = await world.mess()
    await world.resident(mess.id)
    await world.resident(mess.id)
    staff = await world.user("staff", mess.id)
    b = await signed_in(browser, staff.actor.login)
    counter = await b.get("/counter")
    assert 'hx-get="/counter/headcount" hx-trigger="load, every 2s"' in counter.text
    fragment = await b.fragment("/counter/headcount")
    assert "<html" not in fragment.text
    assert '<b id="hc-booked">2</b>' in fragment.text and '<b id="hc-in">0</b>' in fragment.text
    full = await b.get("/counter/headcount")
    assert full.text.startswith("<!doctype html>") and '<b id="hc-booked">2</b>' in full.text


async def test_sell_an_extra_and_record_wastage(world, browser, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    async with world.database.transaction() as session:
        item = await create_item(session, warden.actor, ItemIn(name="Boiled egg", price=1200), world.clock.now())
    b = await visit(staff.actor.login)
    page = await b.get("/counter/extras")
    assert "Boiled egg · ₹12.00" in page.text
    sale = {"roll_no": resident.roll_no, "item_id": str(item.id), "quantity": "2"}
    sold = await b.submit("/counter/extras", sale)
    sold.accepted(f"Sold 2 x Boiled egg to Resident {resident.roll_no}", "₹24.00")
    nobody = await b.submit("/counter/extras", {"roll_no": "NOBODY", "item_id": str(item.id)})
    nobody.refused(404, "no resident with roll number NOBODY")
    wasted = {"date": "2026-03-10", "slot": "breakfast", "kg": "1.5", "note": "rain"}
    (await b.submit("/counter/wastage", wasted)).accepted("Recorded 1.5 kg wasted at breakfast on Tue 10 Mar.", "1.500")
    bad = await b.submit("/counter/wastage", {"date": "2026-03-10", "slot": "breakfast", "kg": "-1"})
    bad.refused(422, "kg")
    r = await signed_in(browser, resident.roll_no)
    mine = await r.get("/me/extras?month=2026-03")
    assert "Boiled egg" in mine.text and "₹24.00" in mine.text


async def test_a_check_in_answer_carries_the_new_headcount(world, browser):
    mess = await world.mess()
    first, second = await world.resident(mess.id), await world.resident(mess.id)
    staff = await world.user("staff", mess.id)
    counter_a = await signed_in(browser, staff.actor.login, htmx=True)  # what htmx swaps in out of band
    answer = await counter_a.submit("/counter/checkin", {"code": first.roll_no})
    assert 'id="headcount" hx-swap-oob="innerHTML"' in answer.text and '<b id="hc-in">1</b>' in answer.text
    # Another counter of the same meal sees it on its next poll; a refusal's answer carries the count too.
    await counter_a.submit("/counter/checkin", {"code": second.roll_no})
    polled = await counter_a.fragment("/counter/headcount")
    assert '<b id="hc-in">2</b>' in polled.text
    again = await counter_a.submit("/counter/checkin", {"code": second.roll_no})
    assert result_of(again.text) == "duplicate" and '<b id="hc-in">2</b>' in again.text


async def test_void_an_extra_and_correct_wastage_from_the_counter(world, browser, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id, name="Asha Rao")
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    async with world.database.transaction() as session:
        item = await create_item(session, warden.actor, ItemIn(name="Milk", price=2500), world.clock.now())
    b = await visit(staff.actor.login)
    (await b.submit("/counter/extras", {"roll_no": resident.roll_no, "item_id": str(item.id)})).accepted()
    page = await b.get("/counter/extras")
    assert f"Asha Rao ({resident.roll_no})" in page.text  # the name, not an internal id
    sale_id = re.search(r'action="/counter/extras/(\d+)/void"', page.text).group(1)  # type: ignore[union-attr]
    (await b.submit(f"/counter/extras/{sale_id}/void", {"reason": "x"})).refused(422)
    voided = await b.submit(f"/counter/extras/{sale_id}/void", {"reason": "wrong item"})
    voided.accepted("Voided 1 x Milk sold to Asha Rao", "Voided: wrong item")
    assert f'action="/counter/extras/{sale_id}/void"' not in voided.text
    (await b.submit(f"/counter/extras/{sale_id}/void", {"reason": "twice over"})).refused(409)

    wasted = {"date": "2026-03-10", "slot": "lunch", "kg": "3", "note": "rice"}
    (await b.submit("/counter/wastage", wasted)).accepted()
    page = await b.get("/counter/wastage")
    entry = re.search(r'action="/counter/wastage/(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    fixed = await b.submit(f"/counter/wastage/{entry}", {"kg": "2.25", "note": "rice, dal"})
    fixed.accepted("Corrected: 2.25 kg wasted at lunch")
    world.clock.advance(days=1)
    b = await visit(staff.actor.login)  # a new day's shift
    tomorrow = await b.get("/counter/wastage")
    assert f'action="/counter/wastage/{entry}"' not in tomorrow.text and "2.250" in tomorrow.text
    (await b.submit(f"/counter/wastage/{entry}", {"kg": "1"})).refused(403)


async def test_the_counter_shows_the_photo_with_each_result(world, client, browser):
    c = await cast(world)
    url = f"/api/v1/residents/{c.resident.resident_id}/photo"
    assert (await client.put(url, content=picture("PNG"), headers=c.warden.headers)).status_code == 204
    b = await signed_in(browser, c.staff.actor.login, htmx=True)  # the result the counter swaps in
    first = await b.submit("/counter/checkin", {"code": c.resident.roll_no})
    assert f'<img class="photo" src="{url}"' in first.text
    again = await b.submit("/counter/checkin", {"code": c.resident.roll_no})
    assert 'data-result="duplicate"' in again.text and f'src="{url}"' in again.text
    shown = await b.get(url)  # the page's session cookie is enough
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
