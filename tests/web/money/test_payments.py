"""Payments (PRODUCT 7.2): method and reference (unique per mess ignoring case), dates, the list, reversal as a
reversing ledger entry (never a delete), audited; two reversals at once on PostgreSQL give exactly one.
Today is Tue 10 Mar 2026 in the mess (IST)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from mess.errors import Conflict
from mess.ledger.schemas import ReversalIn
from mess.ledger.service import reverse_payment
from mess.models import AuditLog, LedgerEntry
from tests.web.domain_helpers import expect
from tests.web.money.helpers import priced_mess, until_waiting_on_a_lock


def pay(resident_id: int, amount: int, **extra: object) -> dict[str, object]:
    return {"resident_id": resident_id, "amount": amount, "date": "2026-03-09", **extra}


async def test_payments_carry_method_and_a_unique_reference(world, client):
    money = await priced_mess(world, client)
    h = money.warden.headers
    alice, bob = money.residents
    account = expect(
        await client.post(
            "/api/v1/payments", json=pay(alice.resident_id, 400000, method="upi", reference="UPI-77"), headers=h
        ),
        201,
    )
    assert account["balance"] == -400000
    (entry,) = account["entries"]
    assert (entry["kind"], entry["method"], entry["reference"], entry["amount"]) == (
        "payment",
        "upi",
        "UPI-77",
        -400000,
    )
    # The same receipt again, in any case and for anyone in the mess, is refused, naming the first.
    again = expect(
        await client.post("/api/v1/payments", json=pay(bob.resident_id, 1, reference=" upi-77 "), headers=h),
        409,
        "duplicate_reference",
    )
    assert "₹4,000.00 on Mon 09 Mar (reference UPI-77)" in again["detail"]
    # Another mess may have its own UPI-77; no reference at all may repeat; cash is the default method.
    other_resident = await world.resident(money.other_warden.actor.mess_id)
    expect(
        await client.post(
            "/api/v1/payments",
            json=pay(other_resident.resident_id, 5, reference="UPI-77"),
            headers=money.other_warden.headers,
        ),
        201,
    )
    for _ in range(2):
        cash = expect(await client.post("/api/v1/payments", json=pay(bob.resident_id, 100), headers=h), 201)
    assert [e["method"] for e in cash["entries"]] == ["cash", "cash"]
    expect(await client.post("/api/v1/payments", json=pay(bob.resident_id, 1, method="cheque"), headers=h), 422)


async def test_payment_dates_are_today_or_at_most_400_days_back(world, client):
    money = await priced_mess(world, client, residents=1)
    h, rid = money.warden.headers, money.residents[0].resident_id
    for day in ("2026-03-11", "2031-03-09", "2025-02-02"):
        refused = expect(
            await client.post("/api/v1/payments", json={**pay(rid, 1), "date": day}, headers=h),
            422,
            "date_out_of_range",
        )
        assert "a payment cannot be dated" in refused["detail"]
    for day in ("2026-03-10", "2025-02-03"):
        expect(await client.post("/api/v1/payments", json={**pay(rid, 1), "date": day}, headers=h), 201)


async def test_payments_list_and_reversal(world, client, database):
    money = await priced_mess(world, client)
    h = money.warden.headers
    alice, bob = money.residents
    first = expect(
        await client.post("/api/v1/payments", json=pay(alice.resident_id, 400000, reference="R1"), headers=h), 201
    )
    payment_id = first["entries"][0]["id"]
    expect(
        await client.post(
            "/api/v1/payments", json={**pay(bob.resident_id, 20000, method="card"), "date": "2026-02-20"}, headers=h
        ),
        201,
    )

    listed = await client.get("/api/v1/payments", headers=h)
    assert listed.headers["x-total-count"] == "2"
    assert [(p["id"] == payment_id, p["roll_no"], p["amount"], p["reversed"]) for p in expect(listed, 200)] == [
        (True, alice.roll_no, 400000, False),
        (False, bob.roll_no, 20000, False),
    ]
    march = expect(await client.get("/api/v1/payments?from=2026-03-01&to=2026-03-31", headers=h), 200)
    assert [p["id"] for p in march] == [payment_id]
    expect(await client.get("/api/v1/payments?from=2026-03-31&to=2026-03-01", headers=h), 422)
    mine = expect(await client.get("/api/v1/payments", headers=bob.headers), 200)
    assert [p["amount"] for p in mine] == [20000]
    expect(await client.get(f"/api/v1/payments?resident_id={alice.resident_id}", headers=bob.headers), 403)
    paged = await client.get("/api/v1/payments?limit=1&offset=1", headers=h)
    assert paged.headers["x-total-count"] == "2" and len(paged.json()) == 1

    # Only a warden of the mess reverses; a reason is required.
    url = f"/api/v1/payments/{payment_id}/reverse"
    expect(await client.post(url, json={"reason": "x"}, headers=alice.headers), 403, "forbidden")
    expect(await client.post(url, json={"reason": "x"}, headers=money.other_warden.headers), 404, "not_found")
    expect(await client.post(url, json={"reason": "  "}, headers=h), 422)
    reversal = expect(await client.post(url, json={"reason": "entered 4000 instead of 400"}, headers=h), 201)
    assert (reversal["kind"], reversal["amount"], reversal["reverses_id"], reversal["entry_date"]) == (
        "reversal",
        400000,
        payment_id,
        "2026-03-10",
    )
    assert reversal["reason"] == "entered 4000 instead of 400" and reversal["reference"] == "R1"
    again = expect(await client.post(url, json={"reason": "twice"}, headers=h), 409, "already_reversed")
    assert again["detail"] == "The payment of ₹4,000.00 on Mon 09 Mar (reference R1) was already reversed on Tue 10 Mar"

    # The original stays; the balance is the ledger's sum.
    ledger = expect(await client.get(f"/api/v1/ledger?resident_id={alice.resident_id}", headers=h), 200)
    assert [(e["kind"], e["amount"]) for e in ledger["entries"]] == [("payment", -400000), ("reversal", 400000)]
    assert ledger["balance"] == sum(e["amount"] for e in ledger["entries"]) == 0
    listed = expect(await client.get("/api/v1/payments", headers=h), 200)
    assert (listed[0]["reversed"], listed[0]["reversal_id"]) == (True, reversal["id"])
    # A reversal is not a payment, nor is a bill entry: neither can be reversed.
    expect(await client.post(f"/api/v1/payments/{reversal['id']}/reverse", json={"reason": "x"}, headers=h), 404)
    # Its receipt number stays taken: the receipt is the same piece of paper.
    expect(await client.post("/api/v1/payments", json=pay(alice.resident_id, 40000, reference="r1"), headers=h), 409)

    async with database.read_only() as session:
        audited = (
            await session.execute(select(AuditLog.action, AuditLog.reason).where(AuditLog.entity_id == payment_id))
        ).all()
        assert ("payment.reverse", "entered 4000 instead of 400") in audited


@pytest.mark.postgres
async def test_two_reversals_at_once_store_exactly_one(world, client, database, backend):
    """Two connections: the first has written its reversal and not committed; the second has read 'not reversed'
    and waits on the unique index. When the first commits, the second is refused with already_reversed."""
    if backend != "postgres":
        pytest.skip(reason="the race needs two concurrent writers; SQLite has one writer at a time")
    money = await priced_mess(world, client, residents=1)
    h, rid = money.warden.headers, money.residents[0].resident_id
    paid = expect(await client.post("/api/v1/payments", json=pay(rid, 5000), headers=h), 201)
    payment_id = paid["entries"][0]["id"]
    warden, now = money.warden.actor, world.clock.now()

    async def second() -> object:
        async with database.transaction() as session:
            return await reverse_payment(session, warden, payment_id, ReversalIn(reason="second"), now)

    async with database.transaction() as first:
        await reverse_payment(first, warden, payment_id, ReversalIn(reason="first"), now)
        racer = asyncio.create_task(second())
        await until_waiting_on_a_lock(database, racer)
    with pytest.raises(Conflict) as refused:
        await racer
    assert refused.value.code == "already_reversed"
    async with database.read_only() as session:
        count = select(func.count()).where(LedgerEntry.reverses_id == payment_id)
        assert (await session.execute(count)).scalar_one() == 1
