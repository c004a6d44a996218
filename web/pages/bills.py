"""Bills: a resident's list, and one bill with every line (printable) for its resident or the warden."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from mess.billing import service as billing
from mess.billing.estimate import estimate
from mess.billing.schemas import BillLineOut
from mess.billing.wording import line_words, qr_svg
from mess.kit.dates import local_today, month_of, previous_month
from mess.ledger import service as ledger
from mess.residents import service as residents
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import ResidentMess
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])

HISTORY_MONTHS = 12


@router.get("/me/bills")
async def my_bills(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep) -> Response:
    month = month_of(local_today(now, mess.timezone))
    bills = []
    for _ in range(HISTORY_MONTHS):
        month = previous_month(month)
        bills.extend(await billing.list_bills(session, actor, month, None, None))
    account = await ledger.ledger(session, actor, None)
    so_far = await estimate(session, actor, month_of(local_today(now, mess.timezone)), None, now)
    context = {
        "mess": mess,
        "bills": bills,
        "account": account,
        "so_far": so_far,
        "so_far_lines": worded(so_far.lines, so_far.month, mess.currency),
    }
    return render(request, "resident/bills.html", context, actor=actor)


def worded(lines: list[BillLineOut], month: str, currency: str) -> list[dict[str, Any]]:
    return [{**line.model_dump(), "words": line_words(line, month, currency)} for line in lines]


@router.get("/bills/{bill_id}")
async def bill_detail(request: Request, bill_id: int, session: SessionDep, actor: ActorDep) -> Response:
    # The service decides who may see it: a resident only their own bill (others are "not found").
    view = await billing.bill_view(session, actor, bill_id)
    bill, mess = view.bill, view.mess
    resident = await residents.get_resident(session, actor, bill.resident_id)
    payment = view.payment
    context = {
        "mess": mess,
        "bill": bill,
        "resident": resident,
        "lines": worded(bill.lines, bill.month, mess.currency),
        "total": bill.total,
        "payment": payment,
        "upi_qr": qr_svg(payment.upi_uri) if payment and payment.upi_uri else None,
    }
    return render(request, "bill.html", context, actor=actor)
