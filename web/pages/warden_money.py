"""The warden's money pages: adjustments (credits and debits with a reason) and the mess's expenses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.adjustments import service as adjustments
from mess.adjustments.schemas import AdjustmentIn
from mess.auth.actor import Actor
from mess.costs import service as costs
from mess.costs.schemas import ExpenseIn
from mess.kit.dates import check_month, local_today, month_bounds, month_of
from mess.ledger import service as ledger
from mess.ledger.schemas import PaymentIn
from mess.models import Mess
from mess.models.costs import EXPENSE_CATEGORIES
from mess.residents import service as residents
from mess.text import money
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, parse_money, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])


async def _page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    month: str | None,
    roll: str = "",
    **extra: Any,
) -> Response:
    today = local_today(now, mess.timezone)
    chosen = check_month(month) if month else month_of(today)
    start, end = month_bounds(chosen)
    people = {r.id: r for r in await residents.list_residents(session, actor, None, None, 1000, 0)}
    context = {
        "mess": mess,
        "month": chosen,
        "today": today,
        "names": people,
        "adjustments": await adjustments.list_adjustments(
            session, actor, month=chosen, resident_id=None, mess_id=None, limit=200, offset=0
        ),
        "expenses": await costs.list_expenses(
            session, actor, start=start, end=end, category=None, mess_id=None, limit=500, offset=0
        ),
        "categories": EXPENSE_CATEGORIES,
        "roll": roll,
        "account": None,
        "account_of": None,
        **extra,
    }
    if roll:
        account_of = await residents.find_by_roll_no(session, actor, roll)
        context["account_of"] = account_of
        context["account"] = await ledger.ledger(session, actor, account_of.id)
    context["expense_total"] = sum(e.amount for e in context["expenses"])
    return render(request, "warden/money.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/money")
async def money_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=7)] = None,
    roll: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    return await _page(request, session, actor, mess, now, month, roll.strip())


async def _submit(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    action: Callable[[], Awaitable[str]],
    roll: str = "",
) -> Response:
    """Every form here answers with the money page; after a payment it opens that resident's account."""

    def back(shown: Outcome) -> str:
        return f"/warden/money?roll={roll}#payments" if roll and not shown.error else "/warden/money"

    async def page(shown: Outcome) -> Response:
        return await _page(request, session, actor, mess, now, None, "" if shown.error else roll, **shown.context)

    return await submit(request, session, action, page, back=back)


@router.post("/warden/payments")
async def record_payment(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    roll = form.get("roll_no", "")

    async def action() -> str:
        payer = await residents.find_by_roll_no(session, actor, roll)
        data = parse_form(
            PaymentIn,
            {
                "resident_id": str(payer.id),
                "amount": str(parse_money(form.get("amount", ""))),
                "date": form.get("date", "") or local_today(now, mess.timezone).isoformat(),
                "reference": form.get("reference", ""),
                "method": form.get("method", "") or "cash",
            },
        )
        account = await ledger.record_payment(session, actor, data, now)
        balance = money(account.balance, mess.currency)
        return f"Payment of {money(data.amount, mess.currency)} from {payer.name} recorded; balance {balance}."

    return await _submit(request, session, actor, mess, now, action, roll)


@router.post("/warden/adjustments")
async def add_adjustment(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        resident = await residents.find_by_roll_no(session, actor, form.get("roll_no", ""))
        amount = parse_money(form.get("amount", ""))
        if form.get("kind") == "credit":
            amount = -abs(amount)
        data = parse_form(
            AdjustmentIn,
            {
                "resident_id": str(resident.id),
                "amount": str(amount),
                "date": form.get("date", "") or local_today(now, mess.timezone).isoformat(),
                "reason": form.get("reason", ""),
            },
        )
        saved = await adjustments.create_adjustment(session, actor, data, now)
        kind = "credit" if saved.amount < 0 else "debit"
        return f"A {kind} of {abs(saved.amount) / 100:,.2f} for {resident.name} goes on the {saved.month} bill."

    return await _submit(request, session, actor, mess, now, action)


@router.post("/warden/expenses")
async def add_expense(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        data = parse_form(
            ExpenseIn,
            {
                "date": form.get("date", ""),
                "category": form.get("category", ""),
                "amount": str(parse_money(form.get("amount", ""))),
                "note": form.get("note", ""),
            },
        )
        saved = await costs.record_expense(session, actor, data, now)
        return f"Expense recorded: {saved.category} on {text.day(saved.date)}."

    return await _submit(request, session, actor, mess, now, action)
