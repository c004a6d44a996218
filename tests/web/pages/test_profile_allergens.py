"""The resident's profile (phone, allergens), the week marking dishes they avoid and taking a meal away, and the
warden's menu page writing dishes' allergens (PRODUCT 7.3)."""

from __future__ import annotations

from mess.menus.schemas import Dish, DishesIn
from mess.menus.service import set_day_menu
from tests.web.pages.helpers import HX, signed_in

DAY = "2026-03-12"


async def test_the_profile_saves_phone_and_allergens(world, visit):
    mess = await world.mess()
    resident = await world.resident(mess.id, diet="jain")
    b = await visit(resident.roll_no)
    page = await b.get("/me/profile")
    assert page.status_code == 200 and "Jain" in page.text and 'href="/account/password"' in page.text
    assert "Tree nuts (cashew, almond, walnut)" in page.text
    saved = await b.submit("/me/profile", {"phone": "+91 98450 12345", "a_nuts": "on", "a_dairy": "on"})
    saved.accepted("Saved. Dishes with dairy, nuts are marked on your week.")
    me = (await b.client.get(f"/api/v1/residents/{resident.resident_id}")).json()
    assert me["allergens"] == ["dairy", "nuts"] and me["phone"] == "+91 98450 12345"
    shown = await b.get("/me/profile")
    assert 'id="a-nuts" name="a_nuts" value="on" checked' in shown.text
    assert 'id="a-egg" name="a_egg" value="on">' in shown.text
    too_long = await b.submit("/me/profile", {"phone": "9" * 40, "a_egg": "on"})
    too_long.refused(422)
    assert (await b.client.get(f"/api/v1/residents/{resident.resident_id}")).json()["allergens"] == ["dairy", "nuts"]
    cleared = await b.submit("/me/profile", {"phone": ""})
    cleared.accepted("You avoid no allergens.")


async def test_the_warden_sees_and_edits_a_residents_allergens(world, visit, client):
    """The resident's page shows their allergens ticked; the edit form saves the ticked ones (the same list and
    validation as the resident's profile); ending a residency leaves them alone."""
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id, name="Asha Rao")
    api = f"/api/v1/residents/{resident.resident_id}"
    page_url = f"/warden/residents/{resident.resident_id}"
    b = await visit(warden.actor.login)
    await client.patch("/api/v1/me/profile", json={"allergens": ["peanuts"]}, headers=resident.headers)

    async def allergens() -> list[str]:
        return (await client.get(api, headers=warden.headers)).json()["allergens"]

    page = await b.get(page_url)
    assert "avoids peanuts" in page.text and "Sesame (til)" in page.text
    assert 'id="e-a-peanuts" name="a_peanuts" value="on" checked' in page.text
    assert 'id="e-a-dairy" name="a_dairy" value="on">' in page.text

    form = {"name": "Asha Rao", "email": "asha@example.edu", "diet": "veg", "active_from": "2026-01-01"}
    saved = await b.submit(page_url, {**form, "a_sesame": "on", "a_dairy": "on", "a_celery": "on"})
    saved.accepted("Saved Asha Rao.")
    assert await allergens() == ["dairy", "sesame"]  # an unknown box is no allergen
    shown = await b.get(page_url)
    assert "avoids dairy, sesame" in shown.text and 'id="e-a-sesame" name="a_sesame" value="on" checked' in shown.text

    # A refused edit saves nothing; under htmx the form comes back with the boxes as they were ticked.
    refused = await b.submit(
        page_url, {**form, "name": "Asha R. Typed", "room": "B-12", "phone": "9" * 40, "a_egg": "on"}
    )
    refused.refused(422)
    if b.htmx:  # the form as typed: the fields and the boxes
        assert 'id="e-a-egg" name="a_egg" value="on" checked' in refused.text
        assert 'id="e-a-sesame" name="a_sesame" value="on">' in refused.text
        assert 'value="Asha R. Typed"' in refused.text and 'value="B-12"' in refused.text
    assert await allergens() == ["dairy", "sesame"]
    # A refused end of residency leaves the edit form as stored (its allergens still ticked).
    too_early = await b.submit(page_url, {"end_residency": "1", "active_to": "2025-06-30"})
    too_early.refused(422)
    if b.htmx:
        assert 'id="e-a-sesame" name="a_sesame" value="on" checked' in too_early.text
        assert 'value="Asha Rao"' in too_early.text

    ended = await b.submit(page_url, {"end_residency": "1", "active_to": "2026-06-30"})
    ended.accepted("Residency of Asha Rao ends on")
    assert await allergens() == ["dairy", "sesame"]  # not a form with the boxes
    cleared = await b.submit(page_url, form)
    cleared.accepted("Saved Asha Rao.")
    assert await allergens() == []


async def test_the_week_marks_dishes_the_resident_avoids_in_words(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    async with world.database.transaction() as session:
        dishes = DishesIn(dishes=[Dish(dish="Kaju curry", allergens=["nuts", "dairy"]), Dish(dish="Roti")])
        await set_day_menu(
            session, warden.actor, world.clock.now().date().replace(day=12), "lunch", dishes, world.clock.now()
        )
    b = await signed_in(browser, resident.roll_no)
    before = await b.get("/week")
    assert "contains" not in before.text  # no allergens chosen: nothing marked
    saved = await b.post("/me/profile", {"a_nuts": "on"}, headers=HX)
    assert saved.status_code == 200, saved.text
    after = await b.get("/week")
    assert "Kaju curry" in after.text and "⚠ contains nuts</strong>" in after.text
    assert "Has nuts, which you avoid." in after.text
    assert "contains dairy" not in after.text


async def test_the_expander_takes_a_meal_away(world, browser):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    b = await signed_in(browser, resident.roll_no)
    await b.get("/week")
    saved = await b.post(f"/week/{DAY}/lunch", {"action": "save", "guests": "1", "takeaway": "on"}, headers=HX)
    assert saved.status_code == 200, saved.text
    assert (
        "Booked +1 guest, takeaway" in saved.text
        and "Saved: Lunch on Thu 12 Mar with 1 guest, to take away." in saved.text
    )
    assert f'id="t-m-{DAY}-lunch" name="takeaway" value="on" checked' in saved.text
    rows = (await b.client.get(f"/api/v1/bookings?from={DAY}&to={DAY}")).json()
    assert next(r for r in rows if r["slot"] == "lunch")["takeaway"] is True
    refused = await b.post(f"/week/{DAY}/lunch", {"action": "save", "guests": "x", "takeaway": "on"}, headers=HX)
    assert refused.status_code == 422 and f'id="t-m-{DAY}-lunch" name="takeaway" value="on" checked' in refused.text
    tapped = await b.post(f"/week/{DAY}/lunch", {"action": "cancel"}, headers=HX)
    assert "Not booked" in tapped.text and "takeaway" not in tapped.text.split("<details")[0]


async def test_the_warden_writes_allergens_on_the_menu_page(world, visit):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    b = await visit(warden.actor.login)
    answer = await b.submit(f"/warden/menu/day/{DAY}/lunch", {"dishes": "Kheer (jain) [Dairy, nuts]\nDal"})
    answer.accepted()
    menu = (await b.client.get(f"/api/v1/menu?date={DAY}")).json()
    lunch = next(m for m in menu["meals"] if m["slot"] == "lunch")
    kheer = lunch["dishes"][0]
    assert (kheer["dish"], kheer["diet_tag"], kheer["allergens"]) == ("Kheer", "jain", ["dairy", "nuts"])
    page = await b.get("/warden/menu?start=2026-03-09")
    assert "Kheer (jain) [dairy, nuts]" in page.text
    bad = await b.submit(f"/warden/menu/day/{DAY}/lunch", {"dishes": "Soup [celery]"})
    bad.refused(422, "is not an allergen on the list")


async def test_the_counter_shows_takeaways_and_allergen_counts(world, client, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    nuts, plain = await world.resident(mess.id), await world.resident(mess.id)
    url = f"/api/v1/residents/{nuts.resident_id}"
    assert (await client.patch(url, json={"allergens": ["nuts", "egg"]}, headers=warden.headers)).status_code == 200
    b = await signed_in(browser, warden.actor.login)
    before = await b.fragment("/counter/headcount")
    assert "Takeaway (parcels): 0 · Booked residents who avoid nuts: 1 · egg: 1." in before.text
    # Breakfast is being served (09:00): the warden books a parcel for a resident after the cutoff.
    body = {"resident_id": plain.resident_id, "takeaway": True, "reason": "leaving early"}
    booked = await client.put("/api/v1/bookings/2026-03-10/breakfast", json=body, headers=warden.headers)
    assert booked.status_code == 200 and booked.json()["takeaway"] is True, booked.text
    await client.delete(f"/api/v1/bookings/2026-03-10/breakfast?resident_id={nuts.resident_id}", headers=warden.headers)
    after = await b.fragment("/counter/headcount")
    assert "Takeaway (parcels): 1 · No booked resident avoids an allergen." in after.text


async def test_the_warden_sees_what_a_resident_avoids(world, client, browser):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    await client.patch("/api/v1/me/profile", json={"allergens": ["sesame", "fish"]}, headers=resident.headers)
    b = await signed_in(browser, warden.actor.login)
    page = await b.get(f"/warden/residents/{resident.resident_id}")
    assert page.status_code == 200 and " · avoids fish, sesame</p>" in page.text
