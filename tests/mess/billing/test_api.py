"""The billing REST contract: runs, bills, issue, PDF, CSV, payments and the ledger, with authorization."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mess.billing.runner import execute_run
from mess.config import Settings
from mess.models import BillingRun, MealPrice
from tests.support.databases import QUEUE_REDIS_URL, require_redis
from web.main import create_app

PRICES = {"breakfast": 3000, "lunch": 5000, "snacks": 1000, "dinner": 6000}


@pytest.fixture
def redis_up() -> None:
    require_redis(QUEUE_REDIS_URL)


async def setup_mess(world):
    mess = await world.mess(booking_mode="opt_out")
    async with world.database.transaction() as session:
        for slot in mess.slots:
            session.add(
                MealPrice(
                    mess_id=mess.id,
                    slot_id=slot.id,
                    price=PRICES[slot.code],
                    guest_price=1,
                    walk_in_price=1,
                    effective_from=date(2026, 1, 1),
                    created_at=world.clock.now(),
                )
            )
    warden = await world.user("warden", mess.id)
    alice = await world.resident(mess.id, active_from=date(2026, 2, 15))
    bob = await world.resident(mess.id, active_from=date(2026, 2, 1))
    return mess, warden, alice, bob


async def work(world, run_id: int):
    """What the worker does with the run id (tests/workers run it on a real Celery worker)."""
    return await execute_run(world.database, run_id, world.clock.now)


def pdf_text(content: bytes) -> str:
    """The text drawn on the pages, as a PDF reader extracts it (the bill embeds a Unicode font)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_run_review_issue_pay(world, client, redis_up):
    _mess, warden, alice, bob = await setup_mess(world)
    response = await client.post("/api/v1/billing/runs", json={"month": "2026-02"}, headers=warden.headers)
    assert response.status_code == 202, response.text
    run = response.json()
    assert run["status"] == "queued"
    report = await work(world, run["id"])
    assert report.status == "succeeded"
    state = (await client.get(f"/api/v1/billing/runs/{run['id']}", headers=warden.headers)).json()
    # Alice: 14 days x 15000 = 210000; Bob: 28 x 15000 = 420000 (no fixed charge in this mess).
    assert (state["status"], state["bill_count"], state["amount"]) == ("succeeded", 2, 630000)
    assert state["processed"] == state["total"] == 2
    runs = (await client.get("/api/v1/billing/runs?month=2026-02", headers=warden.headers)).json()
    assert [r["id"] for r in runs] == [run["id"]]

    bills = (await client.get("/api/v1/bills?month=2026-02", headers=warden.headers)).json()
    assert {b["resident_id"]: b["total"] for b in bills} == {alice.resident_id: 210000, bob.resident_id: 420000}
    mine = (await client.get("/api/v1/bills?month=2026-02", headers=alice.headers)).json()
    assert [b["resident_id"] for b in mine] == [alice.resident_id]
    assert mine[0]["lines"][1] == {
        "kind": "meal",
        "description": "Lunch",
        "slot_id": mine[0]["lines"][1]["slot_id"],
        "item_id": None,
        "quantity": 14,
        "unit_price": 5000,
        "amount": 70000,
    }
    bob_bill = next(b for b in bills if b["resident_id"] == bob.resident_id)
    assert (await client.get(f"/api/v1/bills/{bob_bill['id']}", headers=alice.headers)).status_code == 404
    assert (await client.get(f"/api/v1/bills/{bob_bill['id']}/pdf", headers=alice.headers)).status_code == 404
    other = await client.get(f"/api/v1/bills?month=2026-02&resident_id={bob.resident_id}", headers=alice.headers)
    assert other.status_code == 404

    pdf = await client.get(f"/api/v1/bills/{mine[0]['id']}/pdf", headers=alice.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "₹2,100.00" in text and "Lunch" in text and "Total" in text

    export = await client.get("/api/v1/bills/export?month=2026-02", headers=warden.headers)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 8  # 4 meal lines per bill
    assert sum(int(r["amount"]) for r in rows) == 630000
    assert (await client.get("/api/v1/bills/export?month=2026-02", headers=alice.headers)).status_code == 403

    issued = await client.post("/api/v1/billing/2026-02/issue", headers=warden.headers)
    assert issued.status_code == 200, issued.text
    assert issued.json() == {
        "month": "2026-02",
        "status": "issued",
        "bill_count": 2,
        "amount": 630000,
        "due_date": "2026-03-20",
    }
    again = await client.post("/api/v1/billing/2026-02/issue", headers=warden.headers)
    assert (again.status_code, again.json()["code"]) == (409, "already_issued")
    rerun = await client.post("/api/v1/billing/runs", json={"month": "2026-02"}, headers=warden.headers)
    assert (rerun.status_code, rerun.json()["code"]) == (409, "already_issued")

    ledger = (await client.get("/api/v1/ledger", headers=alice.headers)).json()
    assert ledger["balance"] == 210000 and ledger["entries"][0]["kind"] == "bill"
    paid = await client.post(
        "/api/v1/payments",
        headers=warden.headers,
        json={"resident_id": alice.resident_id, "amount": 200000, "date": "2026-03-10", "reference": "UPI 42"},
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["balance"] == 10000
    assert [e["amount"] for e in paid.json()["entries"]] == [210000, -200000]
    assert (await client.get(f"/api/v1/ledger?resident_id={bob.resident_id}", headers=alice.headers)).status_code == 403
    assert (await client.get(f"/api/v1/ledger?resident_id={bob.resident_id}", headers=warden.headers)).json()[
        "balance"
    ] == 420000
    bad = await client.post(
        "/api/v1/payments",
        headers=warden.headers,
        json={"resident_id": alice.resident_id, "amount": 0, "date": "2026-03-10"},
    )
    assert bad.status_code == 422
    resident_pays = await client.post(
        "/api/v1/payments",
        headers=alice.headers,
        json={"resident_id": alice.resident_id, "amount": 5, "date": "2026-03-10"},
    )
    assert resident_pays.status_code == 403


async def test_refusals(world, client):
    _mess, warden, alice, _ = await setup_mess(world)
    not_ended = await client.post("/api/v1/billing/runs", json={"month": "2026-03"}, headers=warden.headers)
    assert (not_ended.status_code, not_ended.json()["code"]) == (409, "month_not_ended")
    bad = await client.post("/api/v1/billing/runs", json={"month": "2026-13"}, headers=warden.headers)
    assert bad.status_code == 422
    forbidden = await client.post("/api/v1/billing/runs", json={"month": "2026-02"}, headers=alice.headers)
    assert forbidden.status_code == 403
    nothing = await client.post("/api/v1/billing/2026-02/issue", headers=warden.headers)
    assert (nothing.status_code, nothing.json()["code"]) == (409, "nothing_to_issue")
    assert (await client.get("/api/v1/billing/runs/999999", headers=warden.headers)).status_code == 404
    assert (await client.get("/api/v1/bills/999999", headers=warden.headers)).status_code == 404
    assert (await client.get("/api/v1/bills?month=2026-02")).status_code == 401


async def test_month_not_ended_is_judged_in_the_mess_time_zone(world, client):
    # 2026-03-31 20:00 UTC is already 1 April 01:30 in Kolkata, still 31 March in New York.
    world.at(datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    kolkata = await world.mess(timezone="Asia/Kolkata")
    new_york = await world.mess(timezone="America/New_York")
    india = await world.user("warden", kolkata.id)
    america = await world.user("warden", new_york.id)
    ok = await client.post("/api/v1/billing/runs", json={"month": "2026-03"}, headers=india.headers)
    assert ok.status_code in (202, 503), ok.text  # accepted (or no broker here): not month_not_ended
    early = await client.post("/api/v1/billing/runs", json={"month": "2026-03"}, headers=america.headers)
    assert early.json()["code"] == "month_not_ended"


async def test_broker_unreachable_is_503_and_leaves_no_queued_run(world, database, clock, database_url):
    mess, warden, _, _ = await setup_mess(world)
    down = Settings(
        environment="test",
        database_url=database_url,
        redis_url="redis://127.0.0.1:1/0",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
    )  # type: ignore[arg-type]
    import httpx

    app = create_app(down, clock=clock, database=database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.post("/api/v1/billing/runs", json={"month": "2026-02"}, headers=warden.headers)
    assert response.status_code == 503
    assert response.json()["code"] == "broker_unavailable"
    assert "unreachable" in response.json()["detail"]
    async with database.read_only() as session:
        runs = (await session.execute(select(BillingRun).where(BillingRun.mess_id == mess.id))).scalars().all()
    assert [(r.status, "unreachable" in r.message) for r in runs] == [("failed", True)]
