"""A bill as a resident reads it (PRODUCT 7.2): each line in words with money in the mess's currency, the bill's
reference and due date, and the UPI payment link (and its QR code) for the exact amount. Pages, the PDF and the
CSV all take their words from here; the stored lines keep the run's plain descriptions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from mess import text
from mess.billing.schemas import BillLineOut
from mess.kit.dates import days_in_month
from mess.models import Mess


def line_words(line: BillLineOut, month: str, currency: str) -> str:
    """'Establishment charge, 23 of 31 days (₹1,500.00 a month)'; the other lines keep their names."""
    if line.kind == "fixed":
        return (
            f"Establishment charge, {line.quantity} of {days_in_month(month)} days "
            f"({text.money(line.unit_price, currency)} a month)"
        )
    if line.kind == "correction":
        words = line.description
        if words.startswith("Correction to the ") and " bill" in words:
            earlier = words.removeprefix("Correction to the ").split(" bill", 1)[0]
            try:
                return f"Correction to your {text.month(earlier)} bill (changed after it was issued)"
            except ValueError:
                return words
        return words
    if line.kind == "adjustment":
        return f"Adjustment: {line.description}"
    return line.description


def bill_reference(mess_code: str, month: str, roll_no: str) -> str:
    """What a payment names (UPI's transaction note): mess, month and roll number, e.g. 'MESS-2026-02-R0001'."""
    return f"{mess_code}-{month}-{roll_no}"


@dataclass(frozen=True)
class PaymentRequest:
    """How to pay an issued bill: the amount, by when, and (where the mess has a VPA) the UPI link."""

    amount: int
    due_date: date | None
    reference: str
    upi_uri: str | None


def upi_uri(mess: Mess, amount: int, reference: str) -> str | None:
    """upi://pay?pa=...&pn=...&am=1112.90&cu=INR&tn=<bill ref> (NPCI's deep link), or None without a VPA."""
    if not mess.upi_vpa or amount <= 0:
        return None
    params = [
        ("pa", mess.upi_vpa),
        ("pn", mess.payee_name or mess.name),
        ("am", text.decimal_amount(amount)),
        ("cu", mess.currency),
        ("tn", reference),
    ]
    return "upi://pay?" + "&".join(f"{key}={quote(value, safe='@.-_')}" for key, value in params)


def payment_request(mess: Mess, status: str, total: int, due: date | None, reference: str) -> PaymentRequest | None:
    if status != "issued" or total <= 0:
        return None
    return PaymentRequest(total, due, reference, upi_uri(mess, total, reference))


def qr_svg(payload: str) -> str:
    """A QR code as inline SVG, drawn here (no image service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(payload, image_factory=SvgPathImage, box_size=8, border=4)
    return str(image.to_string(encoding="unicode"))


def qr_png(payload: str) -> bytes:
    import qrcode
    from qrcode.image.pil import PilImage

    image = qrcode.make(payload, image_factory=PilImage, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
