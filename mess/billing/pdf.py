"""A printable bill (fpdf2): every line with quantity, unit price and amount, and the total."""

from __future__ import annotations

from fpdf import FPDF

from mess.billing.schemas import BillOut
from mess.kit.money import format_minor


def _latin(text: str) -> str:
    # The built-in PDF fonts are Latin-1; anything else prints as '?', never as an error.
    return text.encode("latin-1", "replace").decode("latin-1")


def render_bill(bill: BillOut, *, mess_name: str, currency: str, resident_name: str, roll_no: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"Bill {bill.month} {roll_no}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(f"{mess_name} - mess bill {bill.month}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, _latin(f"Resident: {resident_name} ({roll_no})"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Bill no. {bill.id} - status: {bill.status}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (90, 20, 35, 45)
    pdf.set_font("Helvetica", "B", 10)
    for width, title in zip(widths, ("Item", "Qty", "Unit price", "Amount"), strict=True):
        pdf.cell(width, 7, title, border=1, align="L" if title == "Item" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for line in bill.lines:
        cells = (
            _latin(line.description)[:60],
            str(line.quantity),
            format_minor(line.unit_price, currency),
            format_minor(line.amount, currency),
        )
        for index, (width, value) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(width, 7, value, border=1, align="L" if index == 0 else "R")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(sum(widths[:3]), 8, "Total", border=1)
    pdf.cell(widths[3], 8, format_minor(bill.total, currency), border=1, align="R")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    pdf.ln(4)
    pdf.multi_cell(0, 4, "Amounts in minor units are exact; see docs/billing.md for how each line is computed.")
    return bytes(pdf.output())
