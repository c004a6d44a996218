"""A printable bill (fpdf2): every line with quantity, unit price and amount, and the total."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from mess.billing.schemas import BillOut
from mess.text import money

# DejaVu Sans cut down to Latin, punctuation and currency signs (fontTools subset): it has the rupee sign.
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def _latin(text: str) -> str:
    # Characters outside the font's subset print as '?', never as an error.
    return text.encode("latin-1", "replace").decode("latin-1")


def render_bill(bill: BillOut, *, mess_name: str, currency: str, resident_name: str, roll_no: str) -> bytes:
    pdf = _new_pdf()
    pdf.set_title(f"Bill {bill.month} {roll_no}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, _latin(f"{mess_name} - mess bill {bill.month}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, _latin(f"Resident: {resident_name} ({roll_no})"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Bill no. {bill.id} - status: {bill.status}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (90, 20, 35, 45)
    pdf.set_font(FONT, "B", 10)
    for width, title in zip(widths, ("Item", "Qty", "Unit price", "Amount"), strict=True):
        pdf.cell(width, 7, title, border=1, align="L" if title == "Item" else "R")
    pdf.ln()
    pdf.set_font(FONT, size=10)
    for line in bill.lines:
        cells = (
            _latin(line.description)[:60],
            str(line.quantity),
            money(line.unit_price, currency),
            money(line.amount, currency),
        )
        for index, (width, value) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 7, value, border=1, align="L" if index == 0 else "R")
        pdf.ln()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(sum(widths[:3]), 8, "Total", border=1)
    pdf.cell(widths[3], 8, money(bill.total, currency), border=1, align="R")
    pdf.ln()
    pdf.set_font(FONT, size=8)
    pdf.ln(4)
    pdf.multi_cell(0, 4, "Amounts in minor units are exact; see docs/billing.md for how each line is computed.")
    return bytes(pdf.output())
