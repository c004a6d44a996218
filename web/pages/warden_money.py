"""The warden's money pages: adjustments (credits and debits with a reason) and the mess's expenses."""

from __future__ import annotations

import datetime as dt
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
from mess.errors import InvalidInput, MessError
from mess.kit.dates import local_today, month_bounds, month_of, parse_month
from mess.ledger import service as ledger
from mess.ledger.schemas import PaymentIn
from mess.messes.service import load_mess
from mess.models.costs import EXPENSE_CATEGORIES
from mess.residents import service as residents
from mess.text import money
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.forms import form_of, parse_form, parse_money
from web.pages.rendering import is_htmx, page_router, redirect, render

router = page_router(tags=["pages"])


async def _mess(session: AsyncSession, actor: Actor) -> Any:
    actor.require("warden", "admin")
    return await load_mess(session, actor.mess_for(None))


def _month(value: str | None, today: dt.date) -> str:
    if not value:
        return month_of(today)
    try:
        parse_month(value)
    except ValueError as exc:
        raise InvalidInput(f"month must be YYYY-MM, got {value!r}") from exc
    return value


async def _resident_by_roll(session: AsyncSession, actor: Actor, roll_no: str) -> Any:
    return await residents.find_by_roll_no(session, actor, roll_no)


async def _page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    now: dt.datetime,
    month: str | None,
    roll: str = "",
    **extra: Any,
) -> Response:
    mess = await _mess(session, actor)
    today = local_today(now, mess.timezone)
    chosen = _month(month, today)
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
        account_of = await _resident_by_roll(session, actor, roll)
        context["account_of"] = account_of
        context["account"] = await ledger.ledger(session, actor, account_of.id)
    context["expense_total"] = sum(e.amount for e in context["expenses"])
    return render(request, "warden/money.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/money")
async def money_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=7)] = None,
    roll: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    return await _page(request, session, actor, now, month, roll.strip())


async def _after(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    now: dt.datetime,
    error: MessError | None,
    message: str,
    roll: str = "",
) -> Response:
    if not is_htmx(request):
        url = f"/warden/money?roll={roll}#payments" if roll and not error else "/warden/money"
        return redirect(request, url, message, "error" if error else "ok")
    if error:
        return await _page(request, session, actor, now, None, error=message, status_code=error.status_code)
    return await _page(request, session, actor, now, None, roll, notice=message)


@router.post("/warden/payments")
async def record_payment(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    mess = await _mess(session, actor)
    form = await form_of(request)
    error: MessError | None = None
    roll = form.get("roll_no", "")
    try:
        payer = await _resident_by_roll(session, actor, roll)
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
        message = f"Payment of {money(data.amount, mess.currency)} from {payer.name} recorded; balance {balance}."
    except MessError as exc:
        await session.rollback()
        error, message = exc, exc.message
    return await _after(request, session, actor, now, error, message, roll)


@router.post("/warden/adjustments")
async def add_adjustment(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    mess = await _mess(session, actor)
    form = await form_of(request)
    error: MessError | None = None
    try:
        roll_no = form.get("roll_no", "")
        found = [await residents.find_by_roll_no(session, actor, roll_no)]
        amount = parse_money(form.get("amount", ""))
        if form.get("kind") == "credit":
            amount = -abs(amount)
        data = parse_form(
            AdjustmentIn,
            {
                "resident_id": str(found[0].id),
                "amount": str(amount),
                "date": form.get("date", "") or local_today(now, mess.timezone).isoformat(),
                "reason": form.get("reason", ""),
            },
        )
        saved = await adjustments.create_adjustment(session, actor, data, now)
        kind = "credit" if saved.amount < 0 else "debit"
        message = f"A {kind} of {abs(saved.amount) / 100:,.2f} for {found[0].name} goes on the {saved.month} bill."
    except MessError as exc:
        await session.rollback()
        error, message = exc, exc.message
    return await _after(request, session, actor, now, error, message)


@router.post("/warden/expenses")
async def add_expense(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    await _mess(session, actor)
    form = await form_of(request)
    error: MessError | None = None
    try:
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
        message = f"Expense recorded: {saved.category} on {text.day(saved.date)}."
    except MessError as exc:
        await session.rollback()
        error, message = exc, exc.message
    return await _after(request, session, actor, now, error, message)
