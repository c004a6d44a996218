"""Issuing with a confirmation (PRODUCT 7.2): the summary the warden confirms, expected_total, 409 total_changed,
and the due date an issued bill carries. Today is Tue 10 Mar 2026 (IST)."""

from __future__ import annotations

from tests.web.domain_helpers import expect
from tests.web.money.helpers import FIXED, PRICES, bill, bill_and_issue, priced_mess

FEBRUARY = 28 * sum(PRICES.values()) + FIXED


async def test_issue_after_confirming_the_total(world, client):
    money = await priced_mess(world, client, payment_due_days=7)
    h = money.warden.headers
    alice = money.residents[0]
    empty = expect(await client.get("/api/v1/billing/2026-02/summary", headers=h), 200)
    assert empty == {
        "month": "2026-02",
        "bills": 0,
        "total": 0,
        "issued": False,
        "previous_issued_month": None,
        "previous_issued_total": None,
    }
    await bill_and_issue(world, client, money, "2026-01")
    await bill(world, money, "2026-02")
    seen = expect(await client.get("/api/v1/billing/2026-02/summary", headers=h), 200)
    assert (seen["bills"], seen["total"], seen["issued"]) == (2, 2 * FEBRUARY, False)
    assert (seen["previous_issued_month"], seen["previous_issued_total"]) == ("2026-01", 2 * (31 * 15000 + FIXED))

    # A credit and a new run after the warden looked: the confirmed total is stale.
    credit = {"resident_id": alice.resident_id, "amount": -5000, "date": "2026-02-20", "reason": "cold food"}
    expect(await client.post("/api/v1/adjustments", json=credit, headers=h), 201)
    await bill(world, money, "2026-02")
    stale = expect(
        await client.post("/api/v1/billing/2026-02/issue", json={"expected_total": seen["total"]}, headers=h),
        409,
        "total_changed",
    )
    assert stale["detail"] == (
        "the bills of February 2026 changed since you looked: now 2 bills, ₹11,350.00 in all "
        "(you confirmed ₹11,400.00). Review them and confirm again"
    )
    assert expect(await client.get("/api/v1/bills?month=2026-02", headers=h), 200)[0]["status"] == "draft"
    now = expect(await client.get("/api/v1/billing/2026-02/summary", headers=h), 200)
    issued = expect(
        await client.post("/api/v1/billing/2026-02/issue", json={"expected_total": now["total"]}, headers=h), 200
    )
    assert (issued["bill_count"], issued["amount"], issued["due_date"]) == (2, 2 * FEBRUARY - 5000, "2026-03-17")
    mine = expect(await client.get("/api/v1/bills?month=2026-02", headers=alice.headers), 200)
    assert (mine[0]["status"], mine[0]["due_date"]) == ("issued", "2026-03-17")
    assert expect(await client.get("/api/v1/billing/2026-02/summary", headers=h), 200)["issued"] is True
    expect(
        await client.post("/api/v1/billing/2026-02/issue", json={"expected_total": 1}, headers=h), 409, "already_issued"
    )
    expect(await client.get("/api/v1/billing/2026-02/summary", headers=alice.headers), 403)
    expect(await client.get("/api/v1/billing/2026-02/summary", headers=money.other_warden.headers), 200)
