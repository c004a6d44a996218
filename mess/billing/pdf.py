"""A printable bill (fpdf2) a resident can check by hand: every line in words with quantity, unit price and amount
in the mess's currency, the total, the due date, and (where the mess has a UPI VPA) a QR code for the exact
amount with the bill's reference."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from mess import text
from mess.billing.schemas import BillOut
from mess.billing.wording import PaymentRequest, line_words, qr_png
from mess.models import Mess

# DejaVu Sans cut down to Latin, punctuation and currency signs (fontTools subset): it has the rupee sign.
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def _fit(words: str) -> str:
    # Keep the rupee sign (in the subset) and other Latin-1 text; anything else becomes '?'.
    return "".join(ch if ch == "₹" or ord(ch) < 256 else "?" for ch in words)


def render_bill(
    bill: BillOut,
    *,
    mess: Mess,
    resident_name: str,
    roll_no: str,
    payment: PaymentRequest | None,
) -> bytes:
    currency = mess.currency
    pdf = _new_pdf()
    pdf.set_title(f"{mess.name} bill {text.month(bill.month)} {roll_no}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, _fit(f"{mess.name}: bill for {text.month(bill.month)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, _fit(f"{resident_name}, roll number {roll_no}"), new_x="LMARGIN", new_y="NEXT")
    state = "Issued" if bill.status == "issued" else "Draft (not final yet)"
    if bill.issued_at is not None:
        state += f" on {text.moment(bill.issued_at, mess.timezone).split(',')[0]}"
    pdf.cell(0, 6, _fit(state), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (100, 15, 35, 40)
    pdf.set_font(FONT, "B", 10)
    for width, title in zip(widths, ("Item", "Qty", "Unit price", "Amount"), strict=True):
        pdf.cell(width, 7, title, border=1, align="L" if title == "Item" else "R")
    pdf.ln()
    pdf.set_font(FONT, size=9)
    for line in bill.lines:
        cells = (
            _fit(line_words(line, bill.month, currency))[:70],
            str(line.quantity),
            text.money(line.unit_price, currency),
            text.money(line.amount, currency),
        )
        for index, (width, value) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 7, value, border=1, align="L" if index == 0 else "R")
        pdf.ln()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(sum(widths[:3]), 8, "Total", border=1)
    pdf.cell(widths[3], 8, text.money(bill.total, currency), border=1, align="R")
    pdf.ln()
    if payment is not None:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 11)
        due = f" by {text.day(payment.due_date)}" if payment.due_date else ""
        pdf.cell(0, 7, _fit(f"Please pay {text.money(payment.amount, currency)}{due}."), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=9)
        pdf.cell(0, 5, _fit(f"Bill reference: {payment.reference}"), new_x="LMARGIN", new_y="NEXT")
        if payment.upi_uri:
            pdf.cell(
                0,
                5,
                _fit(f"Scan with any UPI app to pay {mess.payee_name or mess.name} ({mess.upi_vpa}):"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.image(qr_png(payment.upi_uri), w=45)
    return bytes(pdf.output())
