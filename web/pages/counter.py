"""The counter tablet: check-in by roll number or QR, the live headcount, extras sold, wastage."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.auth.actor import Actor
from mess.checkins import service as checkins
from mess.checkins.schemas import CheckInIn
from mess.costs import service as costs
from mess.costs.schemas import WastageIn
from mess.errors import ErrorCode, InvalidInput, MessError, NotFound
from mess.extras import service as extras
from mess.extras.schemas import PurchaseIn
from mess.headcount import service as headcount
from mess.kit.dates import local_today
from mess.messes import service as messes
from mess.messes.service import load_mess
from mess.residents import service as residents
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.pages.forms import form_of, parse_form
from web.pages.rendering import is_htmx, page_router, redirect, render, render_fragment

router = page_router(tags=["pages"])

# A QR token looks like r<resident>.<expiry>.<mac>; anything else typed at the counter is a roll number.
QR_TOKEN = re.compile(r"^r\d+\.\d+\.[A-Za-z0-9_-]+$")

RESULT_TITLES = {
    "ok": "OK: come in",
    "duplicate": "Duplicate",
    "not_booked": "Not booked",
    "on_leave": "On leave",
    "outside_window": "Outside serving time",
    "unknown_resident": "Unknown resident",
    "wrong_mess": "Wrong mess",
}


async def _mess(session: AsyncSession, actor: Actor) -> Any:
    actor.require("staff", "warden", "admin")
    return await load_mess(session, actor.mess_for(None))


async def _counter_context(session: AsyncSession, actor: Actor, now: dt.datetime) -> dict[str, Any]:
    mess = await _mess(session, actor)
    try:
        meal = await checkins.resolve_meal(session, mess, None, None, now)
    except NotFound:
        meal = None
    return {"mess": mess, "meal": meal, "meal_state": meal.state(now) if meal else None}


@router.get("/counter")
async def counter(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    context = await _counter_context(session, actor, now)
    return render(request, "counter/counter.html", {**context, "result": None}, actor=actor)


@router.post("/counter/checkin")
async def check_in(
    request: Request, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> Response:
    await _mess(session, actor)
    form = await form_of(request)
    code = form.get("code", "")
    result: dict[str, Any]
    status = 200
    try:
        if not code:
            raise InvalidInput("type a roll number or scan a QR code")
        identity = {"token": code} if QR_TOKEN.match(code) else {"roll_no": code}
        data = parse_form(CheckInIn, identity)
        out = await checkins.check_in(session, actor, data, now, settings.secret_key.get_secret_value())
        result = {
            "kind": out.result,
            "title": RESULT_TITLES.get(out.result, out.result),
            "accepted": out.accepted,
            "message": out.message,
            "who": f"{out.resident.name} ({out.resident.roll_no}, {out.resident.diet.replace('_', '-')})"
            if out.resident
            else code,
            "guests": out.guests,
            "walk_in": out.walk_in,
            # Shown with every result; other messes' residents (wrong_mess) are not ours to show.
            "resident_id": out.resident.id if out.resident and out.result != "wrong_mess" else None,
            "name": out.resident.name if out.resident else "",
        }
    except MessError as exc:
        await session.rollback()
        status = exc.status_code
        title = "Expired code" if exc.code == ErrorCode.INVALID_TOKEN else "Refused"
        result = {"kind": "refused", "title": title, "accepted": False, "message": exc.message, "who": code}
    if is_htmx(request):
        # The answer carries the meal's new headcount (swapped out of band): no second request from the counter.
        context = {"result": result, **await _headcount_context(session, actor, now)}
        return render_fragment(request, "counter/_result.html", context, actor=actor, status_code=status)
    context = await _counter_context(session, actor, now)
    return render(request, "counter/counter.html", {**context, "result": result}, actor=actor, status_code=status)


async def _headcount_context(session: AsyncSession, actor: Actor, now: dt.datetime) -> dict[str, Any]:
    context = await _counter_context(session, actor, now)
    count = None
    if context["meal"] is not None:
        meal = context["meal"]
        count = await headcount.meal_headcount(session, context["mess"], meal.slot, meal.day)
    return {**context, "count": count, "now": now}


@router.get("/counter/headcount")
async def live_headcount(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    context = await _headcount_context(session, actor, now)
    if is_htmx(request):
        return render_fragment(request, "counter/_headcount.html", context, actor=actor)
    return render(request, "counter/headcount.html", context, actor=actor)


# --- extras sold ------------------------------------------------------------------------------------------------


async def _extras_page(
    request: Request, session: AsyncSession, actor: Actor, now: dt.datetime, **extra: Any
) -> Response:
    mess = await _mess(session, actor)
    items = await extras.list_items(session, actor, None, True)
    today = local_today(now, mess.timezone)
    sold = await extras.list_purchases(
        session, actor, start=today, end=today, resident_id=None, mess_id=None, limit=50, offset=0
    )
    context = {"mess": mess, "items": items, "sold": sold, "today": today, **extra}
    return render(request, "counter/extras.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/counter/extras")
async def extras_page(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    return await _extras_page(request, session, actor, now)


@router.post("/counter/extras")
async def sell_extra(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    mess = await _mess(session, actor)
    form = await form_of(request)
    try:
        roll_no = form.get("roll_no", "")
        if not roll_no:
            raise InvalidInput("type the resident's roll number")
        matches = [await residents.find_by_roll_no(session, actor, roll_no)]
        data = parse_form(
            PurchaseIn,
            {
                "resident_id": str(matches[0].id),
                "item_id": form.get("item_id", ""),
                "quantity": form.get("quantity", "1"),
                "date": local_today(now, mess.timezone).isoformat(),
            },
        )
        sale = await extras.record_purchase(session, actor, data, now)
    except MessError as exc:
        await session.rollback()
        if not is_htmx(request):
            return redirect(request, "/counter/extras", exc.message, "error")
        return await _extras_page(request, session, actor, now, error=exc.message, status_code=exc.status_code)
    message = f"Sold {sale.quantity} x {sale.item} to {matches[0].name} ({roll_no})."
    if not is_htmx(request):
        return redirect(request, "/counter/extras", message, "ok")
    return await _extras_page(request, session, actor, now, notice=message)


# --- wastage ----------------------------------------------------------------------------------------------------


async def _wastage_page(
    request: Request, session: AsyncSession, actor: Actor, now: dt.datetime, **extra: Any
) -> Response:
    mess = await _mess(session, actor)
    today = local_today(now, mess.timezone)
    recent = await costs.list_wastage(
        session, actor, start=today - dt.timedelta(days=6), end=today, slot_code=None, mess_id=None, limit=100, offset=0
    )
    context = {
        "mess": mess,
        "slots": await messes.list_slots(session, actor),
        "recent": recent,
        "today": today,
        # Entries recorded today (local) may be corrected; older ones are history.
        "editable": {w.id for w in recent if local_today(w.created_at, mess.timezone) == today},
        **extra,
    }
    return render(request, "counter/wastage.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/counter/wastage")
async def wastage_page(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    return await _wastage_page(request, session, actor, now)


@router.post("/counter/wastage")
async def record_wastage(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    await _mess(session, actor)
    form = await form_of(request)
    try:
        data = parse_form(WastageIn, {k: form.get(k, "") for k in ("date", "slot", "kg", "note")})
        saved = await costs.record_wastage(session, actor, data, now)
    except MessError as exc:
        await session.rollback()
        if not is_htmx(request):
            return redirect(request, "/counter/wastage", exc.message, "error")
        return await _wastage_page(request, session, actor, now, error=exc.message, status_code=exc.status_code)
    message = f"Recorded {saved.kg:g} kg wasted at {saved.slot} on {text.day(saved.date)}."
    if not is_htmx(request):
        return redirect(request, "/counter/wastage", message, "ok")
    return await _wastage_page(request, session, actor, now, notice=message)
