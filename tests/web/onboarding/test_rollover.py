"""Semester rollover (issue 14 item 6): end a filtered set of stays, or move new arrivals, in one audited action."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mess.models import AuditLog
from tests.web.checkin_helpers import book_for


async def test_end_the_stay_of_a_filtered_set(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    for roll in ("Y1-01", "Y1-02", "Y2-01"):
        await world.resident(mess.id, roll_no=roll)
    late = await world.resident(mess.id, roll_no="Y1-03", active_from=date(2026, 8, 1))
    body = {"action": "end", "active_to": "2026-05-31", "q": "y1-", "reason": "end of the even semester"}
    preview = await client.post("/api/v1/residents/rollover", json=body | {"dry_run": True}, headers=warden.headers)
    assert preview.json()["affected"] == 2
    done = await client.post("/api/v1/residents/rollover", json=body, headers=warden.headers)
    assert done.status_code == 200, done.text
    assert done.json()["affected"] == 2
    [refused] = done.json()["refused"]
    assert refused["resident_id"] == late.resident_id and "starts after 31 May 2026" in refused["message"]
    listed = await client.get("/api/v1/residents", headers=warden.headers)
    ends = {r["roll_no"]: r["active_to"] for r in listed.json()}
    assert ends == {"Y1-01": "2026-05-31", "Y1-02": "2026-05-31", "Y1-03": None, "Y2-01": None}
    async with world.database.transaction() as session:
        audits = list((await session.execute(select(AuditLog))).scalars())
    assert [(a.action, a.reason) for a in audits] == [("residents.rollover.end", "end of the even semester")]


async def test_move_new_arrivals_but_not_residents_with_history(world, client):
    mess = await world.mess()
    other = await world.mess()
    warden = await world.user("warden", mess.id)
    new = await world.resident(mess.id, roll_no="NEW1")
    old = await world.resident(mess.id, roll_no="OLD1")
    await book_for(world, warden, old, date(2026, 3, 12), "lunch")
    body = {"action": "move", "to_mess_id": other.id, "reason": "allotted to the new hostel"}
    done = await client.post("/api/v1/residents/rollover", json=body, headers=warden.headers)
    assert done.json()["affected"] == 1 and [r["roll_no"] for r in done.json()["refused"]] == ["OLD1"]
    moved = await client.get(f"/api/v1/residents/{new.resident_id}", headers=warden.headers)
    assert moved.status_code == 403  # now in the other mess
    other_warden = await world.user("warden", other.id)
    seen = await client.get(f"/api/v1/residents/{new.resident_id}", headers=other_warden.headers)
    assert seen.json()["mess_id"] == other.id
    me = await client.get("/api/v1/me", headers=new.headers)
    assert me.status_code == 200
    staff = await world.user("staff", mess.id)
    denied = await client.post("/api/v1/residents/rollover", json=body, headers=staff.headers)
    assert denied.status_code == 403
