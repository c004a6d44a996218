"""Check-ins at the counter through the REST API: every result, walk-ins, corrections, scoping, concurrency.

The clock fixture stands at 2026-03-10 09:00 IST: breakfast (07:30-09:30) is being served in the demo mess."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from prometheus_client import REGISTRY

from tests.web.checkin_helpers import add_leave, audit_rows, book_for, cancel_for, check_in, checkin_rows

TODAY = date(2026, 3, 10)


def checkins_metric(mess: str, slot: str, result: str) -> float:
    value = REGISTRY.get_sample_value("mess_checkins_total", {"mess": mess, "slot": slot, "result": result})
    return value or 0.0


async def test_ok_then_duplicate_and_listed(world, client):
    mess = await world.mess(booking_mode="opt_out")
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id, diet="egg")
    before = checkins_metric(mess.code, "breakfast", "ok")

    first = await check_in(world, staff, roll_no=resident.roll_no)
    assert first["result"] == "ok" and first["accepted"] is True and first["walk_in"] is False
    assert (first["date"], first["slot"], first["method"], first["guests"]) == ("2026-03-10", "breakfast", "roll_no", 0)
    assert first["resident"] == {
        "id": resident.resident_id,
        "roll_no": resident.roll_no,
        "name": f"Resident {resident.roll_no}",
        "diet": "egg",
    }
    assert "Welcome" in first["message"]
    assert checkins_metric(mess.code, "breakfast", "ok") == before + 1

    second = await check_in(world, staff, roll_no=f"  {resident.roll_no} ")
    assert second["result"] == "duplicate" and second["accepted"] is False
    assert "already checked in" in second["message"] and "09:00" in second["message"]

    listed = await client.get("/api/v1/checkins", params={"slot": "breakfast"}, headers=staff.headers)
    assert listed.status_code == 200, listed.text
    assert [(r["result"], r["admitted"], r["roll_no"]) for r in listed.json()] == [
        ("duplicate", False, resident.roll_no),
        ("ok", True, resident.roll_no),
    ]
    assert listed.json()[0]["name"] == f"Resident {resident.roll_no}"
    other_day = await client.get("/api/v1/checkins", params={"date": "2026-03-09"}, headers=staff.headers)
    assert other_day.json() == []


async def test_booked_guests_are_shown(world):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    await book_for(world, warden, resident, TODAY, "breakfast", guests=2)
    out = await check_in(world, staff, roll_no=resident.roll_no)
    assert (out["result"], out["guests"]) == ("ok", 2)
    assert "2 guests" in out["message"]


async def test_walk_in_allowed_is_admitted_once(world):
    mess = await world.mess(booking_mode="opt_in", allow_walk_in=True)
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    out = await check_in(world, staff, roll_no=resident.roll_no)
    assert (out["result"], out["accepted"], out["walk_in"]) == ("not_booked", True, True)
    assert "walk-in" in out["message"].lower()
    again = await check_in(world, staff, roll_no=resident.roll_no)
    assert (again["result"], again["accepted"], again["walk_in"]) == ("duplicate", False, False)
    rows = await checkin_rows(world)
    assert [(r.result, r.admitted, r.walk_in) for r in rows] == [
        ("not_booked", True, True),
        ("duplicate", False, False),
    ]


async def test_walk_in_refused_when_the_mess_takes_none(world):
    mess = await world.mess(booking_mode="opt_out", allow_walk_in=False)
    warden = await world.user("warden", mess.id)
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    await cancel_for(world, warden, resident, TODAY, "breakfast")
    for _ in range(2):  # a refusal admits nobody, so asking again is refused again, not a duplicate
        out = await check_in(world, staff, roll_no=resident.roll_no)
        assert (out["result"], out["accepted"], out["walk_in"]) == ("not_booked", False, False)
        assert "walk-ins" in out["message"]
    assert [(r.result, r.admitted) for r in await checkin_rows(world)] == [("not_booked", False)] * 2


async def test_approved_leave_refuses_and_pending_leave_does_not(world):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    away = await world.resident(mess.id)
    asking = await world.resident(mess.id)
    await add_leave(world, away, date(2026, 3, 9), date(2026, 3, 12), "approved")
    await add_leave(world, asking, date(2026, 3, 9), date(2026, 3, 12), "pending")
    out = await check_in(world, staff, roll_no=away.roll_no)
    assert (out["result"], out["accepted"]) == ("on_leave", False)
    assert "leave" in out["message"]
    assert (await check_in(world, staff, roll_no=asking.roll_no))["result"] == "ok"


async def test_not_a_resident_that_day_is_refused_even_with_walk_ins(world):
    mess = await world.mess(allow_walk_in=True)
    staff = await world.user("staff", mess.id)
    left = await world.resident(mess.id, active_from=date(2025, 7, 1), active_to=date(2026, 3, 9))
    out = await check_in(world, staff, roll_no=left.roll_no)
    assert (out["result"], out["accepted"], out["walk_in"]) == ("not_booked", False, False)
    assert "not a resident" in out["message"]
    assert out["resident"]["id"] == left.resident_id


async def test_unknown_roll_number_is_recorded(world):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    out = await check_in(world, staff, roll_no="NOBODY-42")
    assert (out["result"], out["accepted"], out["resident"]) == ("unknown_resident", False, None)
    assert "NOBODY-42" in out["message"]
    rows = await checkin_rows(world)
    assert [(r.resident_id, r.roll_no, r.result, r.admitted) for r in rows] == [
        (None, "NOBODY-42", "unknown_resident", False)
    ]


async def test_resident_of_another_mess_is_wrong_mess(world):
    mess_a = await world.mess()
    mess_b = await world.mess()
    staff_a = await world.user("staff", mess_a.id)
    resident_b = await world.resident(mess_b.id)
    out = await check_in(world, staff_a, roll_no=resident_b.roll_no)
    assert (out["result"], out["accepted"], out["resident"]) == ("wrong_mess", False, None)
    rows = await checkin_rows(world)
    assert [(r.mess_id, r.resident_id, r.result) for r in rows] == [(mess_a.id, resident_b.resident_id, "wrong_mess")]
    # Staff cannot name the other mess either.
    response = await world.client.post(
        "/api/v1/checkins", json={"roll_no": resident_b.roll_no, "mess_id": mess_b.id}, headers=staff_a.headers
    )
    assert response.status_code == 403 and response.json()["code"] == "wrong_mess"


async def test_staff_outside_the_serving_window(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    world.at(datetime(2026, 3, 10, 4, 30, tzinfo=UTC))  # 10:00 IST: breakfast is over, lunch starts at 12:30
    out = await check_in(world, staff, roll_no=resident.roll_no)
    assert (out["result"], out["accepted"], out["slot"]) == ("outside_window", False, "lunch")
    assert "12:30-14:30" in out["message"] and "not started" in out["message"]
    past = await check_in(world, staff, roll_no=resident.roll_no, date=TODAY, slot="breakfast")
    assert (past["result"], past["accepted"]) == ("outside_window", False)
    assert "is over" in past["message"]
    yesterday = await check_in(world, staff, roll_no=resident.roll_no, date=date(2026, 3, 9), slot="dinner")
    assert yesterday["result"] == "outside_window"
    world.at(datetime(2026, 3, 10, 7, 0, tzinfo=UTC))  # 12:30 IST sharp: lunch is open
    assert (await check_in(world, staff, roll_no=resident.roll_no))["result"] == "ok"
    world.at(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # 14:30 IST: the window's end is exclusive
    late = await check_in(world, staff, roll_no=resident.roll_no, date=TODAY, slot="lunch")
    assert late["result"] == "outside_window"
    assert await audit_rows(world, "checkin.correction") == []


async def test_warden_correction_for_a_past_meal_is_audited(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    out = await check_in(
        world, warden, roll_no=resident.roll_no, date=date(2026, 3, 2), slot="dinner", reason="tablet was offline"
    )
    assert (out["result"], out["accepted"], out["method"], out["date"]) == ("ok", True, "correction", "2026-03-02")
    audits = await audit_rows(world, "checkin.correction")
    assert len(audits) == 1
    assert (audits[0].actor_id, audits[0].entity, audits[0].entity_id) == (warden.id, "checkin", out["id"])
    assert audits[0].reason == "tablet was offline" and '"result": "ok"' in audits[0].detail
    again = await check_in(world, warden, roll_no=resident.roll_no, date=date(2026, 3, 2), slot="dinner")
    assert again["result"] == "duplicate"
    assert len(await audit_rows(world, "checkin.correction")) == 2
    # A meal that has not started cannot be recorded in advance, not even by a warden.
    future = await check_in(world, warden, roll_no=resident.roll_no, date=TODAY, slot="dinner")
    assert future["result"] == "outside_window"
    # A warden at the counter during the window is an ordinary check-in.
    now = await check_in(world, warden, roll_no=resident.roll_no)
    assert (now["result"], now["method"]) == ("ok", "roll_no")


async def test_roles_and_bad_input(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    admin = await world.user("admin", None)
    post = client.post

    as_resident = await post("/api/v1/checkins", json={"roll_no": resident.roll_no}, headers=resident.headers)
    assert as_resident.status_code == 403
    assert (await client.get("/api/v1/checkins", headers=resident.headers)).status_code == 403
    assert (await post("/api/v1/checkins", json={"roll_no": resident.roll_no})).status_code == 401
    no_mess = await post("/api/v1/checkins", json={"roll_no": resident.roll_no}, headers=admin.headers)
    assert no_mess.status_code == 422 and no_mess.json()["code"] == "mess_required"
    by_admin = await post(
        "/api/v1/checkins", json={"roll_no": resident.roll_no, "mess_id": mess.id}, headers=admin.headers
    )
    assert by_admin.json()["result"] == "ok"

    for body in (
        {},
        {"roll_no": resident.roll_no, "token": "x"},
        {"roll_no": "   "},
        {"roll_no": resident.roll_no, "date": "2026-03-10"},
        {"roll_no": resident.roll_no, "date": "2026-02-30", "slot": "lunch"},
        {"roll_no": "x" * 65},
    ):
        response = await post("/api/v1/checkins", json=body, headers=staff.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "invalid_input"
    brunch = {"roll_no": resident.roll_no, "date": "2026-03-10", "slot": "brunch"}
    unknown_slot = await post("/api/v1/checkins", json=brunch, headers=staff.headers)
    assert unknown_slot.status_code == 404 and unknown_slot.json()["code"] == "unknown_slot"
    bad_list = await client.get("/api/v1/checkins", params={"date": "10-03-2026"}, headers=staff.headers)
    assert bad_list.status_code == 422


async def test_fifty_concurrent_check_ins_admit_exactly_once(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)

    async def attempt() -> str:
        response = await client.post("/api/v1/checkins", json={"roll_no": resident.roll_no}, headers=staff.headers)
        assert response.status_code == 200, response.text
        return str(response.json()["result"])

    results = await asyncio.gather(*(attempt() for _ in range(50)))
    assert sorted(set(results)) == ["duplicate", "ok"]
    assert results.count("ok") == 1 and results.count("duplicate") == 49
    rows = await checkin_rows(world)
    assert len(rows) == 50 and sum(r.admitted for r in rows) == 1
