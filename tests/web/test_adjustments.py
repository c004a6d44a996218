"""Adjustments through the REST API: signed amounts with a reason, residency, issued months, scoping."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mess.models import AuditLog, Bill
from tests.web.domain_helpers import BIG_ID, cast, expect


def adjustment(resident_id: object, amount: object, day: str = "2026-03-05", reason: object = "broken plate") -> dict:
    return {"resident_id": resident_id, "amount": amount, "date": day, "reason": reason}


async def test_credits_and_debits(world, client, database):
    c = await cast(world)
    w = c.warden.headers
    rid = c.resident.resident_id
    credit = expect(
        await client.post("/api/v1/adjustments", json=adjustment(rid, -5000, reason="  mess closed a day "), headers=w),
        201,
    )
    assert (credit["amount"], credit["month"], credit["reason"]) == (-5000, "2026-03", "mess closed a day")
    expect(await client.post("/api/v1/adjustments", json=adjustment(rid, 300), headers=w), 201)
    expect(await client.post("/api/v1/adjustments", json=adjustment(rid, 700, "2026-02-20"), headers=w), 201)

    march = expect(await client.get("/api/v1/adjustments?month=2026-03", headers=w), 200)
    assert sorted(a["amount"] for a in march) == [-5000, 300]
    everything = expect(await client.get(f"/api/v1/adjustments?resident_id={rid}", headers=w), 200)
    assert len(everything) == 3
    assert sorted(
        a["amount"] for a in expect(await client.get("/api/v1/adjustments", headers=c.resident.headers), 200)
    ) == [-5000, 300, 700]
    async with database.read_only() as session:
        audited = list(
            (await session.execute(select(AuditLog).where(AuditLog.action == "adjustment.create"))).scalars()
        )
    assert len(audited) == 3 and {a.actor_id for a in audited} == {c.warden.id}


async def test_bad_adjustments(world, client, database):
    c = await cast(world)
    w = c.warden.headers
    rid = c.resident.resident_id
    for bad in (
        adjustment(rid, 0),
        adjustment(rid, 12.5),
        adjustment(rid, 10**12),
        adjustment(rid, 100, reason=""),
        adjustment(rid, 100, reason="   "),
        {"resident_id": rid, "amount": 100, "date": "2026-03-05"},
        adjustment(rid, 100, "2026-02-30"),
        adjustment(BIG_ID, 100),
    ):
        expect(await client.post("/api/v1/adjustments", json=bad, headers=w), 422, "invalid_input")
    expect(await client.post("/api/v1/adjustments", json=adjustment(999999, 100), headers=w), 404, "unknown_resident")
    late = await world.resident(c.mess.id, active_from=date(2026, 3, 20), active_to=date(2026, 4, 10))
    expect(
        await client.post("/api/v1/adjustments", json=adjustment(late.resident_id, 100, "2026-02-27"), headers=w),
        409,
        "not_resident",
    )
    expect(
        await client.post("/api/v1/adjustments", json=adjustment(late.resident_id, 100, "2026-05-01"), headers=w),
        409,
        "not_resident",
    )
    expect(
        await client.post("/api/v1/adjustments", json=adjustment(late.resident_id, 100, "2026-03-01"), headers=w), 201
    )
    # Once a month's bill is issued, its adjustments are locked: date them in a later month.
    async with database.transaction() as session:
        session.add(
            Bill(
                mess_id=c.mess.id,
                resident_id=rid,
                month="2026-02",
                status="issued",
                total=0,
                created_at=world.clock.now(),
            )
        )
    expect(
        await client.post("/api/v1/adjustments", json=adjustment(rid, 100, "2026-02-15"), headers=w),
        409,
        "already_issued",
    )
    expect(await client.post("/api/v1/adjustments", json=adjustment(rid, 100, "2026-03-15"), headers=w), 201)
    for query in ("month=2026-13", "month=2026-3", "month=march", f"resident_id={BIG_ID}", "limit=0"):
        expect(await client.get(f"/api/v1/adjustments?{query}", headers=w), 422, "invalid_input")


async def test_roles_and_scoping(world, client):
    c = await cast(world)
    rid = c.resident.resident_id
    bob = await world.resident(c.mess.id)
    expect(
        await client.post("/api/v1/adjustments", json=adjustment(bob.resident_id, 100), headers=c.warden.headers), 201
    )
    for who in (c.staff, c.resident):
        expect(
            await client.post("/api/v1/adjustments", json=adjustment(rid, -100), headers=who.headers), 403, "forbidden"
        )
    cross = await client.post("/api/v1/adjustments", json=adjustment(rid, 100), headers=c.other_warden.headers)
    expect(cross, 403, "wrong_mess")
    expect(await client.get("/api/v1/adjustments", headers=c.staff.headers), 403, "forbidden")
    assert expect(await client.get("/api/v1/adjustments", headers=c.resident.headers), 200) == []
    peek = await client.get(f"/api/v1/adjustments?resident_id={bob.resident_id}", headers=c.resident.headers)
    expect(peek, 403, "forbidden")
    assert expect(await client.get("/api/v1/adjustments", headers=c.other_warden.headers), 200) == []
    other = await client.get(f"/api/v1/adjustments?resident_id={bob.resident_id}", headers=c.other_warden.headers)
    expect(other, 403, "wrong_mess")
    expect(await client.get("/api/v1/adjustments"), 401, "not_authenticated")
