"""Dues (PRODUCT 7.2): who owes, largest first, with the oldest unpaid month; the CSV (formula-safe); one reminder
email to everyone who owes, audited, through a real SMTP server. Today is Tue 10 Mar 2026 (IST)."""

from __future__ import annotations

import csv
import io
from datetime import date
from email.header import decode_header, make_header

import httpx
from sqlalchemy import select

from mess.models import AuditLog, LedgerEntry, Resident
from tests.support.procs import wait_for
from tests.support.smtp import smtp_server
from tests.web.domain_helpers import expect
from tests.web.money.helpers import bill_and_issue, priced_mess
from web.main import create_app

# January 2026 (31 days, every meal booked, 15000 a day) + the fixed charge: 465000 + 150000.
JANUARY = 615000
FEBRUARY = 28 * 15000 + 150000  # 570000


async def test_dues_largest_first_with_the_oldest_unpaid_month(world, client):
    money = await priced_mess(world, client, residents=3)
    h = money.warden.headers
    alice, bob, carol = money.residents
    await bill_and_issue(world, client, money, "2026-01")
    await bill_and_issue(world, client, money, "2026-02")
    # Alice paid January and part of February; Bob paid nothing; Carol paid everything (and a reversed extra).
    for resident, amount, ref in ((alice, JANUARY + 1000, "A1"), (carol, JANUARY + FEBRUARY, "C1"), (carol, 5, "C2")):
        payment = {"resident_id": resident.resident_id, "amount": amount, "date": "2026-03-05", "reference": ref}
        expect(await client.post("/api/v1/payments", json=payment, headers=h), 201)
    paid = expect(await client.get(f"/api/v1/payments?resident_id={carol.resident_id}", headers=h), 200)
    small = next(p for p in paid if p["reference"] == "C2")
    expect(await client.post(f"/api/v1/payments/{small['id']}/reverse", json={"reason": "typo"}, headers=h), 201)

    response = await client.get("/api/v1/dues", headers=h)
    dues = expect(response, 200)
    assert response.headers["x-total-count"] == "2"
    assert [(d["roll_no"], d["balance"], d["oldest_unpaid_month"]) for d in dues] == [
        (bob.roll_no, JANUARY + FEBRUARY, "2026-01"),
        (alice.roll_no, FEBRUARY - 1000, "2026-02"),
    ]
    page = await client.get("/api/v1/dues?limit=1&offset=1", headers=h)
    assert page.headers["x-total-count"] == "2" and [d["roll_no"] for d in page.json()] == [alice.roll_no]
    assert expect(await client.get("/api/v1/dues", headers=money.other_warden.headers), 200) == []
    expect(await client.get("/api/v1/dues", headers=alice.headers), 403, "forbidden")

    export = await client.get("/api/v1/dues/export", headers=h)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["roll_no"], r["balance"], r["currency"], r["oldest_unpaid_month"]) for r in rows] == [
        (bob.roll_no, "11850.00", "INR", "2026-01"),
        (alice.roll_no, "5690.00", "INR", "2026-02"),
    ]


async def test_a_dues_csv_cell_never_runs_as_a_formula(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    resident = await world.resident(mess.id)
    async with world.database.transaction() as session:
        person = await session.get(Resident, resident.resident_id)
        assert person is not None
        person.name = "=HYPERLINK(1)"
        session.add(
            LedgerEntry(
                mess_id=mess.id,
                resident_id=resident.resident_id,
                entry_date=date(2026, 3, 1),
                kind="refund",
                amount=100,
                reference="",
                created_at=world.clock.now(),
            )
        )
    export = await client.get("/api/v1/dues/export", headers=warden.headers)
    (row,) = list(csv.DictReader(io.StringIO(export.text)))
    assert row["name"] == "'=HYPERLINK(1)" and row["balance"] == "1.00" and row["oldest_unpaid_month"] == ""


async def test_one_reminder_to_everyone_who_owes_by_smtp(world, client, settings, clock, database, tmp_path):
    money = await priced_mess(world, client, residents=2, upi_vpa="hostelmess@upi")
    alice, bob = money.residents
    await bill_and_issue(world, client, money, "2026-02")
    payment = {"resident_id": alice.resident_id, "amount": FEBRUARY, "date": "2026-03-05"}
    expect(await client.post("/api/v1/payments", json=payment, headers=money.warden.headers), 201)
    with smtp_server(tmp_path, "none") as server:
        mailing = settings.model_copy(
            update={
                "notifier": "smtp",
                "smtp_host": "127.0.0.1",
                "smtp_port": server.port,
                "smtp_security": "none",
                "smtp_from": "Mess Office <office@hostel.example.edu>",
            }
        )
        app = create_app(mailing, clock=clock, database=database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            sent = expect(await http.post("/api/v1/dues/reminders", headers=money.warden.headers), 200)
            expect(await http.post("/api/v1/dues/reminders", headers=alice.headers), 403)
        assert sent == {"reminded": 1, "without_email": 0, "total": FEBRUARY}
        wait_for(lambda: len(server.messages()) == 1, timeout=20, what="the reminder in the Maildir")
        [message] = server.messages()
    assert message["To"] == f"{bob.roll_no.lower()}@example.edu"
    assert str(make_header(decode_header(message["Subject"]))) == f"{money.mess.name}: ₹5,700.00 due"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "₹5,700.00 due on Tue 10 Mar" in body and "February 2026" in body and "hostelmess@upi" in body
    assert "docs/" not in body and "http" not in body
    async with database.read_only() as session:
        (entry,) = (await session.execute(select(AuditLog).where(AuditLog.action == "dues.remind"))).scalars()
        assert entry.actor_id == money.warden.id and f"[{bob.resident_id}]" in entry.detail
