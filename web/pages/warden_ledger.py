"""The warden's ledger pages (issue 15): payments with their reversal, who owes (and one reminder to all of them),
and the month-end with totals that reconcile. Page posts go through forms.submit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import BackgroundTasks, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.auth.actor import Actor
from mess.billing.month_end import month_end
from mess.dues import service as dues
from mess.kit.dates import check_month, local_today, month_bounds, month_of, previous_month
from mess.kit.ids import MAX_ID
from mess.ledger import service as ledger
from mess.ledger.schemas import ReversalIn
from mess.models import Mess
from web.deps import ActorDep, NowDep, SessionDep
from web.mailing import send_after_response
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])
MonthQuery = Annotated[str | None, Query(max_length=7)]
PaymentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _month(value: str | None, mess: Mess, now: dt.datetime) -> str:
    return check_month(value) if value else month_of(local_today(now, mess.timezone))


async def _payments_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, month: str | None, **extra: Any
) -> Response:
    chosen = _month(month, mess, now)
    start, end = month_bounds(chosen)
    payments, total = await ledger.list_payments(
        session, actor, resident_id=None, start=start, end=end, mess_id=None, limit=500, offset=0
    )
    context = {
        "mess": mess,
        "month": chosen,
        "payments": payments,
        "count": total,
        "received": sum(p.amount for p in payments if not p.reversed),
        **extra,
    }
    return render(request, "warden/payments.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/payments")
async def payments_page(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep, month: MonthQuery = None
) -> Response:
    return await _payments_page(request, session, actor, mess, now, month)


@router.post("/warden/payments/{payment_id}/reverse")
async def reverse_payment(
    request: Request, payment_id: PaymentId, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    month = form.get("month") or None

    async def action() -> str:
        entry = await ledger.reverse_payment(session, actor, payment_id, parse_form(ReversalIn, form), now)
        return f"Payment of {text.money(entry.amount, mess.currency)} reversed; the resident's balance is back up."

    async def page(shown: Outcome) -> Response:
        return await _payments_page(request, session, actor, mess, now, month, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/payments?month={month or ''}")


async def _dues_page(request: Request, session: AsyncSession, actor: Actor, mess: Mess, **extra: Any) -> Response:
    rows, count = await dues.list_dues(session, actor, None, 500, 0)
    _, owed = await dues.dues_summary(session, actor, None)
    context = {"mess": mess, "dues": rows, "count": count, "owed": owed, **extra}
    return render(request, "warden/dues.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/dues")
async def dues_page(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess) -> Response:
    return await _dues_page(request, session, actor, mess)


@router.post("/warden/dues/reminders")
async def remind(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
) -> Response:
    async def action() -> str:
        out, mails = await dues.remind_debtors(session, actor, None, now)
        send_after_response(background, request, mails)
        missing = f"; {text.count(out.without_email, 'resident')} without an email address" if out.without_email else ""
        owed = text.money(out.total, mess.currency)
        return f"Reminder sent to {text.count(out.reminded, 'resident')} who owe {owed}{missing}."

    async def page(shown: Outcome) -> Response:
        return await _dues_page(request, session, actor, mess, **shown.context)

    return await submit(request, session, action, page, back="/warden/dues")


@router.get("/warden/month-end")
async def month_end_page(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep, month: MonthQuery = None
) -> Response:
    chosen = check_month(month) if month else previous_month(month_of(local_today(now, mess.timezone)))
    summary = await month_end(session, actor, chosen, None)
    return render(request, "warden/month_end.html", {"mess": mess, "month": chosen, "end": summary}, actor=actor)
