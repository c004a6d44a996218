"""Bills a resident understands (PRODUCT 7.2): the PDF and the CSV in the mess's currency with separators, the
fixed charge in words, the due date, and a UPI QR code that decodes to the exact amount and the bill's
reference. Nothing points to a developer's document. Today is Tue 10 Mar 2026 (IST)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.web.domain_helpers import expect
from tests.web.money.helpers import FIXED, PRICES, bill_and_issue, priced_mess

FEBRUARY = 28 * sum(PRICES.values()) + FIXED  # 570000


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_qr_codes(content: bytes) -> list[str]:
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for picture in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))]
    return found


async def test_the_issued_bill_as_pdf_and_csv(world, client):
    money = await priced_mess(world, client, upi_vpa="hostelmess@sbi", payee_name="Hostel Mess A")
    alice = money.residents[0]
    # Alice joined on 6 February in this scenario: 23 of 28 days.
    async with world.database.transaction() as session:
        from datetime import date

        from mess.models import Resident

        person = await session.get(Resident, alice.resident_id)
        assert person is not None
        person.active_from = date(2026, 2, 6)
    await bill_and_issue(world, client, money, "2026-02")
    (bill,) = expect(await client.get("/api/v1/bills?month=2026-02", headers=alice.headers), 200)
    fixed = (23 * FIXED * 2 + 28) // 56  # 123214.28... -> 123214
    assert bill["total"] == 23 * sum(PRICES.values()) + fixed == 468214
    assert bill["due_date"] == "2026-03-20"

    pdf = await client.get(f"/api/v1/bills/{bill['id']}/pdf", headers=alice.headers)
    words = pdf_text(pdf.content)
    assert "bill for February 2026" in words
    assert "Establishment charge, 23 of 28 days (₹1,500.00 a month)" in words
    assert "₹4,682.14" in words and "Please pay ₹4,682.14 by Fri 20 Mar." in words
    reference = f"{money.mess.code}-2026-02-{alice.roll_no}"
    assert f"Bill reference: {reference}" in words
    assert "docs/" not in words and "minor units" not in words and ".md" not in words
    (uri,) = pdf_qr_codes(pdf.content)
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("upi", "pay")
    assert parse_qs(parts.query) == {
        "pa": ["hostelmess@sbi"],
        "pn": ["Hostel Mess A"],
        "am": ["4682.14"],
        "cu": ["INR"],
        "tn": [reference],
    }

    page = await client.get(f"/bills/{bill['id']}", headers=alice.headers)
    assert page.status_code == 200
    for shown in (
        "bill for February 2026",
        "Establishment charge, 23 of 28 days (₹1,500.00 a month)",
        "Please pay ₹4,682.14 by Fri 20 Mar",
        f"Bill reference <strong>{reference}</strong>",
        'id="upi-qr"',
        "<svg",
    ):
        assert shown in page.text, shown
    assert "docs/" not in page.text and ".md" not in page.text and "minor units" not in page.text

    export = await client.get("/api/v1/bills/export?month=2026-02", headers=money.warden.headers)
    rows = [r for r in csv.DictReader(io.StringIO(export.text)) if r["roll_no"] == alice.roll_no]
    fixed_row = next(r for r in rows if r["kind"] == "fixed")
    assert fixed_row["item"] == "Establishment charge, 23 of 28 days (₹1,500.00 a month)"
    assert (fixed_row["amount"], fixed_row["amount_shown"]) == (str(fixed), "₹1,232.14")
    assert {r["bill_total_shown"] for r in rows} == {"₹4,682.14"} and {r["due_date"] for r in rows} == {"2026-03-20"}


async def test_no_qr_without_a_vpa_and_none_on_a_draft(world, client):
    money = await priced_mess(world, client, residents=1)
    alice = money.residents[0]
    from tests.web.money.helpers import bill

    await bill(world, money, "2026-02")
    (draft,) = expect(await client.get("/api/v1/bills?month=2026-02", headers=alice.headers), 200)
    pdf = await client.get(f"/api/v1/bills/{draft['id']}/pdf", headers=alice.headers)
    assert pdf_qr_codes(pdf.content) == [] and "Draft (not final yet)" in pdf_text(pdf.content)
    expect(await client.post("/api/v1/billing/2026-02/issue", headers=money.warden.headers), 200)
    pdf = await client.get(f"/api/v1/bills/{draft['id']}/pdf", headers=alice.headers)
    words = pdf_text(pdf.content)
    assert pdf_qr_codes(pdf.content) == [] and f"Please pay {'₹5,700.00'} by Fri 20 Mar." in words
