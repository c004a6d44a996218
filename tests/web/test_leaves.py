"""Leaves through the REST API: apply, approve, reject; overlap, cutoff and residency rules; effect on bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from mess.models import AuditLog, Leave
from tests.web.domain_helpers import BIG_ID, cast, expect

# The clock starts on Tuesday 2026-03-10, 09:00 IST. Breakfast (the first meal) is at 07:30 with a 720-minute
# cutoff, so a leave from 2026-03-11 must be applied for before 2026-03-10 19:30 IST = 14:00 UTC.


def leave(start: str, end: str, **extra: object) -> dict[str, object]:
    return {"start_date": start, "end_date": end, "reason": "going home", **extra}


async def test_apply_list_approve_reject(world, client, database):
    c = await cast(world)
    r = c.resident.headers
    applied = expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-15"), headers=r), 201)
    assert (applied["status"], applied["days"], applied["resident_id"]) == ("pending", 4, c.resident.resident_id)
    second = expect(await client.post("/api/v1/leaves", json=leave("2026-03-20", "2026-03-20"), headers=r), 201)

    own = expect(await client.get("/api/v1/leaves", headers=r), 200)
    assert [x["id"] for x in own] == [second["id"], applied["id"]]
    for who in (c.warden, c.staff):
        assert len(expect(await client.get("/api/v1/leaves?status=pending", headers=who.headers), 200)) == 2
    assert expect(await client.get("/api/v1/leaves", headers=c.other_warden.headers), 200) == []

    approve = await client.post(f"/api/v1/leaves/{applied['id']}/approve", headers=c.warden.headers)
    approved = expect(approve, 200)
    assert (approved["status"], approved["decided_by"]) == ("approved", c.warden.id)
    rejected = await client.post(
        f"/api/v1/leaves/{second['id']}/reject", json={"reason": "exams"}, headers=c.warden.headers
    )
    assert expect(rejected, 200)["status"] == "rejected"
    for leave_id, action in ((applied["id"], "approve"), (applied["id"], "reject"), (second["id"], "approve")):
        again = await client.post(f"/api/v1/leaves/{leave_id}/{action}", headers=c.warden.headers)
        expect(again, 409, "leave_not_pending")
    assert [x["status"] for x in expect(await client.get("/api/v1/leaves?status=approved", headers=r), 200)] == [
        "approved"
    ]
    window = expect(await client.get("/api/v1/leaves?from=2026-03-16&to=2026-03-31", headers=r), 200)
    assert [x["id"] for x in window] == [second["id"]]
    async with database.read_only() as session:
        actions = [(a.action, a.actor_id, a.reason) for a in (await session.execute(select(AuditLog))).scalars()]
    assert ("leave.approve", c.warden.id, "") in actions and ("leave.reject", c.warden.id, "exams") in actions


async def test_overlap_is_refused(world, client):
    c = await cast(world)
    r = c.resident.headers
    first = expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-15"), headers=r), 201)
    for start, end in (("2026-03-15", "2026-03-18"), ("2026-03-11", "2026-03-12"), ("2026-03-13", "2026-03-13")):
        clash = await client.post("/api/v1/leaves", json=leave(start, end), headers=r)
        expect(clash, 409, "leave_overlap")
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-16", "2026-03-17"), headers=r), 201)
    expect(await client.post(f"/api/v1/leaves/{first['id']}/approve", headers=c.warden.headers), 200)
    clash = await client.post(
        "/api/v1/leaves",
        json=leave("2026-03-14", "2026-03-14", resident_id=c.resident.resident_id),
        headers=c.warden.headers,
    )
    expect(clash, 409, "leave_overlap")  # a warden is refused too
    # A rejected leave no longer blocks its dates.
    other = expect(await client.post("/api/v1/leaves", json=leave("2026-03-25", "2026-03-26"), headers=r), 201)
    expect(await client.post(f"/api/v1/leaves/{other['id']}/reject", headers=c.warden.headers), 200)
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-26", "2026-03-27"), headers=r), 201)


async def test_approving_rechecks_overlap_with_approved_leaves(world, client, database):
    c = await cast(world)
    approved = await client.post(
        "/api/v1/leaves",
        json=leave("2026-03-12", "2026-03-14", resident_id=c.resident.resident_id, status="approved"),
        headers=c.warden.headers,
    )
    assert expect(approved, 201)["status"] == "approved"
    # A pending leave overlapping it, as an import or an old record could have left behind.
    async with database.transaction() as session:
        stale = Leave(
            mess_id=c.mess.id,
            resident_id=c.resident.resident_id,
            start_date=date(2026, 3, 14),
            end_date=date(2026, 3, 16),
            status="pending",
            created_at=world.clock.now(),
        )
        session.add(stale)
        await session.flush()
        stale_id = stale.id
    expect(await client.post(f"/api/v1/leaves/{stale_id}/approve", headers=c.warden.headers), 409, "leave_overlap")
    expect(await client.post(f"/api/v1/leaves/{stale_id}/reject", headers=c.warden.headers), 200)


async def test_cutoff_of_the_first_meal(world, client):
    c = await cast(world)
    r = c.resident.headers
    world.at(datetime(2026, 3, 10, 13, 59, tzinfo=UTC))
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-11", "2026-03-11"), headers=r), 201)
    world.at(datetime(2026, 3, 10, 14, 0, tzinfo=UTC))
    late = await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-12"), headers=r)
    assert expect(late, 201)["status"] == "pending"  # the 12th's first meal closes a day later
    world.at(datetime(2026, 3, 11, 14, 0, tzinfo=UTC))
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-20"), headers=r), 409, "cutoff_passed")
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-01", "2026-03-02"), headers=r), 409, "cutoff_passed")
    # The warden may record a leave for any dates, also past ones; that is audited.
    past = await client.post(
        "/api/v1/leaves",
        json=leave("2026-03-01", "2026-03-05", resident_id=c.resident.resident_id, status="approved"),
        headers=c.warden.headers,
    )
    assert expect(past, 201)["status"] == "approved"


async def test_residency_and_bad_input(world, client, database):
    c = await cast(world)
    short = await world.resident(c.mess.id, active_from=date(2026, 3, 12), active_to=date(2026, 3, 31))
    h = short.headers
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-30", "2026-04-02"), headers=h), 409, "not_resident")
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-11", "2026-03-13"), headers=h), 409, "not_resident")
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-31"), headers=h), 201)
    for bad in (
        leave("2026-03-15", "2026-03-14"),
        leave("2026-02-30", "2026-03-01"),
        leave("2026-03-15", "2027-03-20"),  # longer than a year
        {"start_date": "2026-03-15"},
        leave("2026-03-15", "2026-03-16", status="rejected"),
        leave("2026-03-15", "2026-03-16", resident_id=BIG_ID),
        leave("2026-03-15", "2026-03-16", reason="x" * 1001),
    ):
        expect(await client.post("/api/v1/leaves", json=bad, headers=c.resident.headers), 422, "invalid_input")
    for query in ("?status=done", "?from=2026-03-10&to=2026-03-01", f"?resident_id={BIG_ID}", "?limit=0"):
        expect(await client.get(f"/api/v1/leaves{query}", headers=c.warden.headers), 422, "invalid_input")
    expect(await client.post(f"/api/v1/leaves/{BIG_ID}/approve", headers=c.warden.headers), 422, "invalid_input")
    expect(await client.post("/api/v1/leaves/123456/approve", headers=c.warden.headers), 404, "not_found")
    # A warden must say for whom; unknown residents are 404.
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-15", "2026-03-16"), headers=c.warden.headers), 422)
    unknown = await client.post(
        "/api/v1/leaves", json=leave("2026-03-15", "2026-03-16", resident_id=999999), headers=c.warden.headers
    )
    expect(unknown, 404, "unknown_resident")


async def test_roles_and_mess_scoping(world, client, database):
    c = await cast(world)
    bob = await world.resident(c.mess.id)
    mine = expect(
        await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-13"), headers=c.resident.headers), 201
    )
    # Residents act only for themselves and cannot self-approve.
    for_bob = leave("2026-03-12", "2026-03-13", resident_id=bob.resident_id)
    expect(await client.post("/api/v1/leaves", json=for_bob, headers=c.resident.headers), 403, "forbidden")
    self_approved = leave("2026-03-20", "2026-03-21", status="approved")
    expect(await client.post("/api/v1/leaves", json=self_approved, headers=c.resident.headers), 403, "forbidden")
    peek = await client.get(f"/api/v1/leaves?resident_id={bob.resident_id}", headers=c.resident.headers)
    expect(peek, 403, "forbidden")
    assert expect(await client.get("/api/v1/leaves", headers=bob.headers), 200) == []
    for who in (c.resident, bob, c.staff):
        expect(await client.post(f"/api/v1/leaves/{mine['id']}/approve", headers=who.headers), 403, "forbidden")
    # Staff do not apply for leave.
    by_staff = leave("2026-03-20", "2026-03-21", resident_id=bob.resident_id)
    expect(await client.post("/api/v1/leaves", json=by_staff, headers=c.staff.headers), 403, "forbidden")
    # Another mess's warden can neither record, list nor decide mess A's leaves.
    other = c.other_warden.headers
    expect(await client.post("/api/v1/leaves", json=by_staff, headers=other), 403, "wrong_mess")
    expect(await client.get(f"/api/v1/leaves?resident_id={bob.resident_id}", headers=other), 403, "wrong_mess")
    expect(await client.get(f"/api/v1/leaves?mess_id={c.mess.id}", headers=other), 403, "wrong_mess")
    expect(await client.post(f"/api/v1/leaves/{mine['id']}/approve", headers=other), 403, "wrong_mess")
    expect(await client.get("/api/v1/leaves"), 401, "not_authenticated")

    # The warden's own recording is audited with who and why.
    recorded = await client.post(
        "/api/v1/leaves",
        json={**by_staff, "status": "approved", "reason": "medical"},
        headers=c.warden.headers,
    )
    body = expect(recorded, 201)
    assert (body["status"], body["created_by"], body["decided_by"]) == ("approved", c.warden.id, c.warden.id)
    async with database.read_only() as session:
        entries = list((await session.execute(select(AuditLog).where(AuditLog.action == "leave.record"))).scalars())
    assert [(e.actor_id, e.entity_id, e.reason) for e in entries] == [(c.warden.id, body["id"], "medical")]


async def test_approved_leave_overrides_bookings_and_pending_does_not(world, client):
    c = await cast(world, booking_mode="opt_in")
    r = c.resident.headers
    expect(await client.put("/api/v1/bookings/2026-03-12/lunch", json={"guests": 1}, headers=r), 200)
    expect(await client.delete("/api/v1/bookings/2026-03-13/lunch", headers=r), 200)
    applied = expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-12"), headers=r), 201)

    async def lunch(day: str) -> tuple[bool, int, str]:
        rows = expect(await client.get(f"/api/v1/bookings?from={day}&to={day}", headers=r), 200)
        row = next(x for x in rows if x["slot"] == "lunch")
        return row["booked"], row["guests"], row["source"]

    assert await lunch("2026-03-12") == (True, 1, "explicit")  # pending changes nothing
    expect(await client.post(f"/api/v1/leaves/{applied['id']}/approve", headers=c.warden.headers), 200)
    assert await lunch("2026-03-12") == (False, 0, "leave")
    assert await lunch("2026-03-13") == (False, 0, "explicit")
    # A rejected leave changes nothing either.
    other = expect(await client.post("/api/v1/leaves", json=leave("2026-03-13", "2026-03-13"), headers=r), 201)
    expect(await client.post(f"/api/v1/leaves/{other['id']}/reject", headers=c.warden.headers), 200)
    assert await lunch("2026-03-13") == (False, 0, "explicit")


async def test_withdraw_a_leave_and_the_wardens_note_both_ways(world, client):
    c = await cast(world)
    r, w = c.resident.headers, c.warden.headers
    pending = expect(await client.post("/api/v1/leaves", json=leave("2026-03-12", "2026-03-13"), headers=r), 201)
    later = expect(await client.post("/api/v1/leaves", json=leave("2026-03-20", "2026-03-21"), headers=r), 201)
    refused = expect(await client.post("/api/v1/leaves", json=leave("2026-03-25", "2026-03-25"), headers=r), 201)
    # the warden's note comes back with the decision and in the list, approved or rejected
    approved = await client.post(f"/api/v1/leaves/{later['id']}/approve", json={"note": "enjoy"}, headers=w)
    assert expect(approved, 200)["note"] == "enjoy"
    rejected = await client.post(f"/api/v1/leaves/{refused['id']}/reject", json={"note": "exam week"}, headers=w)
    assert expect(rejected, 200)["note"] == "exam week"
    notes = {x["id"]: x["note"] for x in expect(await client.get("/api/v1/leaves", headers=r), 200)}
    assert notes == {pending["id"]: None, later["id"]: "enjoy", refused["id"]: "exam week"}
    # only the resident withdraws their own; another's id is unknown to them, a warden may not
    expect(await client.post(f"/api/v1/leaves/{pending['id']}/withdraw", headers=w), 403)
    done = expect(await client.post(f"/api/v1/leaves/{pending['id']}/withdraw", headers=r), 200)
    assert done["status"] == "withdrawn"
    expect(await client.post(f"/api/v1/leaves/{pending['id']}/withdraw", headers=r), 409, "leave_not_pending")
    expect(await client.post(f"/api/v1/leaves/{refused['id']}/withdraw", headers=r), 409, "leave_not_pending")
    expect(await client.post("/api/v1/leaves/999999/withdraw", headers=r), 404)
    # an approved leave until its first meal's cutoff (breakfast of the 20th: 19:30 IST on the 19th = 14:00 UTC)
    world.at(datetime(2026, 3, 19, 14, 0, tzinfo=UTC))
    late = await client.post(f"/api/v1/leaves/{later['id']}/withdraw", headers=r)
    assert "Thu 19 Mar, 7:30 pm" in expect(late, 409, "cutoff_passed")["detail"]
    world.at(datetime(2026, 3, 19, 13, 59, tzinfo=UTC))
    assert expect(await client.post(f"/api/v1/leaves/{later['id']}/withdraw", headers=r), 200)["status"] == "withdrawn"
    # the days count again: a new leave over them no longer overlaps
    expect(await client.post("/api/v1/leaves", json=leave("2026-03-21", "2026-03-21"), headers=r), 201)
    assert expect(await client.get("/api/v1/leaves?status=withdrawn", headers=r), 200)[0]["status"] == "withdrawn"


async def test_leave_dates_more_than_a_year_ahead_are_refused(world, client):
    c = await cast(world)
    far = await client.post("/api/v1/leaves", json=leave("2036-03-12", "2036-03-13"), headers=c.resident.headers)
    body = expect(far, 422, "date_out_of_range")
    assert "Wed 12 Mar 2036" not in body["detail"] and "Thu 13 Mar 2036" in body["detail"]
    edge = await client.post("/api/v1/leaves", json=leave("2027-03-11", "2027-03-11"), headers=c.resident.headers)
    expect(edge, 201)
