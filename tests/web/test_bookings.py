"""Bookings through the REST API: defaults, cutoffs in the mess's time zone, guests, residency, overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from mess.messes.schemas import SlotIn
from mess.models import AuditLog, LoginFailure
from tests.factories import PASSWORD


async def test_sign_in_and_me(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    response = await client.post("/api/v1/auth/token", data={"username": resident.roll_no, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["roll_no"] == resident.roll_no
    assert me.json()["role"] == "resident"
    assert me.json()["mess_id"] == mess.id


async def test_wrong_password_is_401_and_rate_limited(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    for _ in range(5):
        response = await client.post("/api/v1/auth/token", data={"username": resident.roll_no, "password": "nope"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    response = await client.post("/api/v1/auth/token", data={"username": resident.roll_no, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


async def test_failed_sign_ins_are_forgotten_after_the_window(world, client, database):
    """The failure table holds at most one window of rows: a failure after the window deletes the older ones, so
    the limit counts again from zero and the table does not grow for ever."""
    mess = await world.mess()
    resident = await world.resident(mess.id)
    for _ in range(5):
        await client.post("/api/v1/auth/token", data={"username": resident.roll_no, "password": "nope"})
    assert await _failures(database) == 5
    world.clock.advance(seconds=301)  # past login_rate_window_seconds (300)
    response = await client.post("/api/v1/auth/token", data={"username": resident.roll_no, "password": "nope"})
    assert response.json()["code"] == "invalid_credentials"
    assert await _failures(database) == 1


async def _failures(database) -> int:
    async with database.read_only() as session:
        return (await session.execute(select(func.count()).select_from(LoginFailure))).scalar_one()


async def test_opt_out_defaults_and_cancel(world, client):
    mess = await world.mess(booking_mode="opt_out")
    resident = await world.resident(mess.id)
    rows = (await client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12", headers=resident.headers)).json()
    assert [(r["slot"], r["booked"], r["source"]) for r in rows] == [
        ("breakfast", True, "default"),
        ("lunch", True, "default"),
        ("snacks", True, "default"),
        ("dinner", True, "default"),
    ]
    response = await client.delete("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert response.status_code == 200, response.text
    assert response.json()["booked"] is False
    again = await client.delete("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert again.json() == response.json()
    rows = (await client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12", headers=resident.headers)).json()
    lunch = next(r for r in rows if r["slot"] == "lunch")
    assert (lunch["booked"], lunch["source"]) == (False, "explicit")


async def test_opt_in_needs_a_booking_and_guests_are_limited(world, client):
    mess = await world.mess(booking_mode="opt_in", max_guests=2)
    resident = await world.resident(mess.id)
    rows = (await client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12", headers=resident.headers)).json()
    assert all(not r["booked"] and r["source"] == "default" for r in rows)
    ok = await client.put("/api/v1/bookings/2026-03-12/dinner", json={"guests": 2}, headers=resident.headers)
    assert ok.status_code == 200 and ok.json()["guests"] == 2
    too_many = await client.put("/api/v1/bookings/2026-03-12/dinner", json={"guests": 3}, headers=resident.headers)
    assert too_many.status_code == 422 and too_many.json()["code"] == "too_many_guests"
    negative = await client.put("/api/v1/bookings/2026-03-12/dinner", json={"guests": -1}, headers=resident.headers)
    assert negative.status_code == 422 and negative.json()["code"] == "invalid_input"


async def test_cutoff_edges_in_kolkata(world, client):
    # Lunch at 12:30 IST with a 720-minute cutoff closes at 00:30 IST the same day = 19:00 UTC the day before.
    mess = await world.mess(timezone="Asia/Kolkata", cutoff_minutes=720)
    resident = await world.resident(mess.id)
    world.at(datetime(2026, 3, 11, 18, 59, tzinfo=UTC))
    before = await client.delete("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert before.status_code == 200, before.text
    assert before.json()["cutoff_at"].startswith("2026-03-11T19:00:00")
    world.at(datetime(2026, 3, 11, 19, 1, tzinfo=UTC))
    after = await client.put("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert after.status_code == 409 and after.json()["code"] == "cutoff_passed"


async def test_slot_cutoff_on_previous_local_day(world, client):
    # Breakfast at 07:30 with its own 600-minute cutoff closes at 21:30 local on the previous day.
    slots = [SlotIn(code="breakfast", name="Breakfast", serve_start=time(7, 30), serve_end=time(9), cutoff_minutes=600)]
    mess = await world.mess(timezone="Asia/Kolkata", slots=slots)
    resident = await world.resident(mess.id)
    world.at(datetime(2026, 3, 11, 15, 59, tzinfo=UTC))  # 21:29 IST on the 11th
    assert (await client.delete("/api/v1/bookings/2026-03-12/breakfast", headers=resident.headers)).status_code == 200
    world.at(datetime(2026, 3, 11, 16, 1, tzinfo=UTC))  # 21:31 IST on the 11th
    late = await client.put("/api/v1/bookings/2026-03-12/breakfast", headers=resident.headers)
    assert late.json()["code"] == "cutoff_passed"


async def test_berlin_dst_change(world, client):
    # 2026-03-29: Berlin moves from UTC+1 to UTC+2 at 02:00. Lunch at 12:00 local = 10:00 UTC; 720 minutes earlier
    # is 22:00 UTC on the 28th (00:00 local on the 29th, still UTC+1 at that instant).
    slots = [SlotIn(code="lunch", name="Lunch", serve_start=time(12), serve_end=time(14))]
    mess = await world.mess(timezone="Europe/Berlin", slots=slots, cutoff_minutes=720)
    resident = await world.resident(mess.id)
    rows = (await client.get("/api/v1/bookings?from=2026-03-28&to=2026-03-29", headers=resident.headers)).json()
    cutoffs = {r["date"]: r["cutoff_at"] for r in rows}
    assert cutoffs["2026-03-28"].startswith("2026-03-27T23:00:00")  # UTC+1: 12:00 local = 11:00 UTC, minus 12 h
    assert cutoffs["2026-03-29"].startswith("2026-03-28T22:00:00")
    world.at(datetime(2026, 3, 28, 21, 59, tzinfo=UTC))
    assert (await client.delete("/api/v1/bookings/2026-03-29/lunch", headers=resident.headers)).status_code == 200
    world.at(datetime(2026, 3, 28, 22, 0, tzinfo=UTC))
    assert (await client.put("/api/v1/bookings/2026-03-29/lunch", headers=resident.headers)).status_code == 409


async def test_residency_edges(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id, active_from=date(2026, 3, 12), active_to=date(2026, 3, 13))
    rows = (await client.get("/api/v1/bookings?from=2026-03-11&to=2026-03-14", headers=resident.headers)).json()
    by_day = {}
    for row in rows:
        by_day.setdefault(row["date"], set()).add((row["booked"], row["source"]))
    assert by_day["2026-03-11"] == {(False, "not_resident")}
    assert by_day["2026-03-12"] == {(True, "default")}
    assert by_day["2026-03-13"] == {(True, "default")}
    assert by_day["2026-03-14"] == {(False, "not_resident")}
    outside = await client.put("/api/v1/bookings/2026-03-14/lunch", headers=resident.headers)
    assert outside.status_code == 409 and outside.json()["code"] == "not_resident"


async def test_staff_override_after_cutoff_is_audited(world, client, database):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    warden = await world.user("warden", mess.id)
    world.at(datetime(2026, 3, 12, 8, 0, tzinfo=UTC))  # lunch of the 12th is past its cutoff
    refused = await client.delete("/api/v1/bookings/2026-03-12/lunch", headers=resident.headers)
    assert refused.json()["code"] == "cutoff_passed"
    response = await client.delete(
        f"/api/v1/bookings/2026-03-12/lunch?resident_id={resident.resident_id}&reason=went+home+sick",
        headers=warden.headers,
    )
    assert response.status_code == 200, response.text
    async with database.read_only() as session:
        entries = list((await session.execute(select(AuditLog))).scalars())
    assert [(e.action, e.actor_id, e.reason) for e in entries] == [("booking.cancel", warden.id, "went home sick")]


async def test_bad_inputs_are_clear_4xx(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    headers = resident.headers
    bad_date = await client.put("/api/v1/bookings/2026-02-30/lunch", headers=headers)
    assert bad_date.status_code == 422 and bad_date.json()["code"] == "invalid_input"
    unknown_slot = await client.put("/api/v1/bookings/2026-03-12/brunch", headers=headers)
    assert unknown_slot.status_code == 404 and unknown_slot.json()["code"] == "unknown_slot"
    reversed_range = await client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-01", headers=headers)
    assert reversed_range.status_code == 422
    unauthenticated = await client.get("/api/v1/bookings?from=2026-03-12&to=2026-03-12")
    assert unauthenticated.status_code == 401 and unauthenticated.json()["code"] == "not_authenticated"


async def test_residents_cannot_act_for_others_or_other_messes(world, client):
    mess = await world.mess()
    other_mess = await world.mess()
    alice = await world.resident(mess.id)
    bob = await world.resident(mess.id)
    stranger = await world.resident(other_mess.id)
    staff_elsewhere = await world.user("staff", other_mess.id)
    peek = await client.get(
        f"/api/v1/bookings?from=2026-03-12&to=2026-03-12&resident_id={bob.resident_id}", headers=alice.headers
    )
    assert peek.status_code == 403
    book_for = await client.put(
        "/api/v1/bookings/2026-03-12/lunch", json={"resident_id": bob.resident_id}, headers=alice.headers
    )
    assert book_for.status_code == 403
    cross = await client.put(
        "/api/v1/bookings/2026-03-12/lunch", json={"resident_id": alice.resident_id}, headers=staff_elsewhere.headers
    )
    assert cross.status_code == 403 and cross.json()["code"] == "wrong_mess"
    assert stranger.resident_id != alice.resident_id


async def test_mess_with_slot_times_carrying_offsets_is_422(world, client):
    admin = await world.user("admin", None)
    slot = {"code": "a", "name": "A", "serve_start": "00:00", "serve_end": 0}
    mess = {"name": "X", "code": "X1", "slots": [slot]}
    response = await client.post("/api/v1/messes", json=mess, headers=admin.headers)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


async def test_a_mess_takes_only_a_time_zone_the_host_knows(world, client):
    admin = await world.user("admin", None)
    unknown = await client.post(
        "/api/v1/messes", json={"name": "X", "code": "X2", "timezone": "Asia/Atlantis"}, headers=admin.headers
    )
    assert unknown.status_code == 422 and "Asia/Atlantis" in unknown.text
    known = await client.post(
        "/api/v1/messes", json={"name": "X", "code": "X2", "timezone": "America/Sao_Paulo"}, headers=admin.headers
    )
    assert known.status_code == 201 and known.json()["timezone"] == "America/Sao_Paulo"
    moved = await client.patch(
        f"/api/v1/messes/{known.json()['id']}", json={"timezone": "Mars/Olympus"}, headers=admin.headers
    )
    assert moved.status_code == 422 and "Mars/Olympus" in moved.text
