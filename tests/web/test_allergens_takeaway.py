"""Allergens on residents and dishes, takeaway on bookings, and their counts in the headcount (PRODUCT 7.3)."""

from __future__ import annotations

from datetime import date

from mess.kit.allergens import ALLERGENS
from tests.web.checkin_helpers import add_leave

DAY = date(2026, 3, 12)


async def test_a_resident_sets_their_own_allergens_and_phone(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    response = await client.patch(
        "/api/v1/me/profile",
        json={"allergens": ["nuts", "dairy", "nuts"], "phone": " +91 98450 12345 "},
        headers=resident.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["allergens"] == ["dairy", "nuts"]  # once each, in the list's order
    assert response.json()["phone"] == "+91 98450 12345"
    seen = await client.get(f"/api/v1/residents/{resident.resident_id}", headers=warden.headers)
    assert seen.json()["allergens"] == ["dairy", "nuts"]
    # Left out: unchanged; empty: cleared.
    kept = await client.patch("/api/v1/me/profile", json={"phone": ""}, headers=resident.headers)
    assert kept.json()["allergens"] == ["dairy", "nuts"] and kept.json()["phone"] is None
    cleared = await client.patch("/api/v1/me/profile", json={"allergens": []}, headers=resident.headers)
    assert cleared.json()["allergens"] == []


async def test_unknown_allergens_and_other_roles_are_refused(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    bad = await client.patch("/api/v1/me/profile", json={"allergens": ["celery"]}, headers=resident.headers)
    assert bad.status_code == 422, bad.text
    staff = await client.patch("/api/v1/me/profile", json={"allergens": []}, headers=warden.headers)
    assert staff.status_code == 403 and staff.json()["code"] == "forbidden", staff.text


async def test_the_warden_sets_a_residents_allergens(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    url = f"/api/v1/residents/{resident.resident_id}"
    response = await client.patch(url, json={"allergens": ["sesame", "gluten"]}, headers=warden.headers)
    assert response.status_code == 200, response.text
    assert response.json()["allergens"] == ["gluten", "sesame"]
    # The profile's vocabulary and limits: an unknown allergen is refused and changes nothing; [] clears the list.
    bad = await client.patch(url, json={"allergens": ["gluten", "celery"]}, headers=warden.headers)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input", bad.text
    kept = await client.patch(url, json={"name": "Renamed"}, headers=warden.headers)
    assert kept.json()["allergens"] == ["gluten", "sesame"]  # left out: kept
    assert (await client.get(url, headers=resident.headers)).json()["allergens"] == ["gluten", "sesame"]
    cleared = await client.patch(url, json={"allergens": []}, headers=warden.headers)
    assert cleared.status_code == 200 and cleared.json()["allergens"] == []


async def test_dishes_carry_allergens_by_day_and_template(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    dishes = [{"dish": "Paneer butter masala", "allergens": ["dairy"]}, {"dish": "Rice"}]
    put = await client.put(f"/api/v1/menu/{DAY}/lunch", json={"dishes": dishes}, headers=warden.headers)
    assert put.status_code == 200, put.text
    template = [{"dish": "Peanut chikki", "allergens": ["peanuts", "gluten"]}]
    put = await client.put("/api/v1/menu/template/fri/dinner", json={"dishes": template}, headers=warden.headers)
    assert put.status_code == 200, put.text
    menu = (await client.get(f"/api/v1/menu?from={DAY}&to=2026-03-13", headers=resident.headers)).json()
    lunch = next(m for m in menu[0]["meals"] if m["slot"] == "lunch")
    assert [d["allergens"] for d in lunch["dishes"]] == [["dairy"], []]
    dinner = next(m for m in menu[1]["meals"] if m["slot"] == "dinner")  # the 13th is a Friday
    assert dinner["dishes"][0]["allergens"] == ["gluten", "peanuts"]
    bad = [{"dish": "Mystery", "allergens": ["celery"]}]
    refused = await client.put(f"/api/v1/menu/{DAY}/lunch", json={"dishes": bad}, headers=warden.headers)
    assert refused.status_code == 422


async def test_takeaway_is_stored_shown_and_dropped_on_cancel(world, client):
    mess = await world.mess(booking_mode="opt_in")
    resident = await world.resident(mess.id)
    url = f"/api/v1/bookings/{DAY}/lunch"
    booked = await client.put(url, json={"takeaway": True, "guests": 1}, headers=resident.headers)
    assert booked.status_code == 200, booked.text
    assert booked.json()["takeaway"] is True
    # The second change of the same slot runs on remembered terms (the one-statement fast path).
    again = await client.put(url, json={"takeaway": True}, headers=resident.headers)
    assert again.json()["takeaway"] is True and again.json()["guests"] == 0
    rows = (await client.get(f"/api/v1/bookings?from={DAY}&to={DAY}", headers=resident.headers)).json()
    assert next(r for r in rows if r["slot"] == "lunch")["takeaway"] is True
    assert next(r for r in rows if r["slot"] == "dinner")["takeaway"] is False
    cancelled = await client.delete(url, headers=resident.headers)
    assert cancelled.json()["takeaway"] is False
    rows = (await client.get(f"/api/v1/bookings?from={DAY}&to={DAY}", headers=resident.headers)).json()
    assert next(r for r in rows if r["slot"] == "lunch")["takeaway"] is False
    eat_in = await client.put(url, json={}, headers=resident.headers)
    assert eat_in.json()["takeaway"] is False


async def test_the_headcount_counts_takeaways_and_allergens(world, client):
    """opt_out: everyone present is booked unless they cancelled; leave and residency count as on the live
    headcount. A: nuts+dairy, takeaway. B: nuts, cancelled. C: dairy, on approved leave. D: gluten, default.
    E: nuts, not yet a resident. F: no allergens, takeaway."""
    mess = await world.mess(booking_mode="opt_out")
    warden = await world.user("warden", mess.id)
    people = {letter: await world.resident(mess.id) for letter in "ABCDF"}
    people["E"] = await world.resident(mess.id, active_from=date(2026, 3, 20))
    allergens = {"A": ["nuts", "dairy"], "B": ["nuts"], "C": ["dairy"], "D": ["gluten"], "E": ["nuts"]}
    for letter, names in allergens.items():
        url = f"/api/v1/residents/{people[letter].resident_id}"
        assert (await client.patch(url, json={"allergens": names}, headers=warden.headers)).status_code == 200
    url = f"/api/v1/bookings/{DAY}/lunch"
    for letter in "AF":
        assert (await client.put(url, json={"takeaway": True}, headers=people[letter].headers)).status_code == 200
    assert (await client.delete(url, headers=people["B"].headers)).status_code == 200
    await add_leave(world, people["C"], DAY, DAY)
    count = await client.get(f"/api/v1/headcount?date={DAY}&slot=lunch", headers=warden.headers)
    assert count.status_code == 200, count.text
    body = count.json()
    assert body["booked"] == 3  # A, D, F and nobody else (B cancelled, C on leave, E not yet)
    assert body["takeaways"] == 2
    assert body["by_allergen"] == {**dict.fromkeys(ALLERGENS, 0), "nuts": 1, "dairy": 1, "gluten": 1}
    dinner = (await client.get(f"/api/v1/headcount?date={DAY}&slot=dinner", headers=warden.headers)).json()
    assert dinner["takeaways"] == 0 and dinner["by_allergen"]["nuts"] == 2  # A and B, booked by default


async def test_opt_in_counts_only_the_booked(world, client):
    mess = await world.mess(booking_mode="opt_in")
    warden = await world.user("warden", mess.id)
    booked, idle = await world.resident(mess.id), await world.resident(mess.id)
    for person in (booked, idle):
        url = f"/api/v1/residents/{person.resident_id}"
        await client.patch(url, json={"allergens": ["egg"]}, headers=warden.headers)
    await client.put(f"/api/v1/bookings/{DAY}/lunch", json={}, headers=booked.headers)
    body = (await client.get(f"/api/v1/headcount?date={DAY}&slot=lunch", headers=warden.headers)).json()
    assert body["by_allergen"]["egg"] == 1 and body["takeaways"] == 0
