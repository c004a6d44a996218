"""Correcting a price or the fixed charge (issue 15): the page shows which months a correction changes, saves or
deletes through the pricing service (refused, naming the month, where an issued month would change)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import Path, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess.auth.actor import Actor
from mess.errors import MessError, NotFound
from mess.kit.ids import MAX_ID
from mess.models import Mess
from mess.pricing import repository as prices
from mess.pricing import service as pricing
from mess.pricing.corrections import Impact
from mess.pricing.schemas import FixedChargeChange, PriceChange
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, parse_money, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def _impact(session: AsyncSession, preview: Awaitable[tuple[Any, Impact]]) -> str:
    """Which months deleting (or changing) the row would change; or why an issued month protects it."""
    try:
        _, impact = await preview
    except MessError as exc:
        return exc.message + "."
    return impact.describe().replace("It changes", "Changing it changes")


def _amounts(form: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    out = {name: str(parse_money(form[name], name.replace("_", " "))) for name in names if form.get(name)}
    if form.get("effective_from"):
        out["effective_from"] = form["effective_from"]
    return out


async def _price_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, price_id: int, now: dt.datetime, **extra: Any
) -> Response:
    found = await prices.get_price_by_id(session, price_id)
    if found is None or found[0].mess_id != mess.id:
        raise NotFound("This price does not exist.")
    price, slot = found
    impact = await _impact(session, pricing.correct_price(session, actor, price_id, None, now, apply=False))
    context = {"mess": mess, "kind": "price", "row": price, "slot": slot, "impact": impact, **extra}
    return render(request, "warden/correct.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/prices/{price_id}/edit")
async def price_form(
    request: Request, price_id: RowId, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    return await _price_page(request, session, actor, mess, price_id, now)


@router.post("/warden/prices/{price_id}")
async def correct_price(
    request: Request, price_id: RowId, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    deleting = form.get("action") == "delete"

    async def action() -> str:
        fields = ("price", "guest_price", "walk_in_price")
        change = None if deleting else parse_form(PriceChange, _amounts(form, fields))
        _, impact = await pricing.correct_price(session, actor, price_id, change, now)
        return f"Price {'deleted' if deleting else 'corrected'}. {impact.describe()}"

    async def page(shown: Outcome) -> Response:  # only under htmx; the page's own form posts plainly
        return await _price_page(request, session, actor, mess, price_id, now, **shown.context)

    return await submit(request, session, action, page, back=lambda o: _back(o, f"/warden/prices/{price_id}/edit"))


async def _charge_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, charge_id: int, now: dt.datetime, **extra: Any
) -> Response:
    charge = await prices.get_fixed_charge_by_id(session, charge_id)
    if charge is None or charge.mess_id != mess.id:
        raise NotFound("This fixed charge does not exist.")
    impact = await _impact(session, pricing.correct_fixed_charge(session, actor, charge_id, None, now, apply=False))
    context = {"mess": mess, "kind": "fixed", "row": charge, "slot": None, "impact": impact, **extra}
    return render(request, "warden/correct.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/fixed-charges/{charge_id}/edit")
async def charge_form(
    request: Request, charge_id: RowId, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    return await _charge_page(request, session, actor, mess, charge_id, now)


@router.post("/warden/fixed-charges/{charge_id}")
async def correct_charge(
    request: Request, charge_id: RowId, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    deleting = form.get("action") == "delete"

    async def action() -> str:
        change = None if deleting else parse_form(FixedChargeChange, _amounts(form, ("amount",)))
        _, impact = await pricing.correct_fixed_charge(session, actor, charge_id, change, now)
        return f"Fixed charge {'deleted' if deleting else 'corrected'}. {impact.describe()}"

    async def page(shown: Outcome) -> Response:  # only under htmx; the page's own form posts plainly
        return await _charge_page(request, session, actor, mess, charge_id, now, **shown.context)

    return await submit(
        request, session, action, page, back=lambda o: _back(o, f"/warden/fixed-charges/{charge_id}/edit")
    )


def _back(outcome: Outcome, form_url: str) -> str:
    return form_url if outcome.error is not None else "/warden/prices"
