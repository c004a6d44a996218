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
from mess.errors import ErrorCode, InvalidInput, NotFound
from mess.extras import service as extras
from mess.extras.schemas import PurchaseIn
from mess.headcount import service as headcount
from mess.kit.dates import local_today
from mess.messes import service as messes
from mess.models import Mess
from mess.residents import service as residents
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.pages.deps import StaffMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import is_htmx, page_router, render, render_fragment

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


async def _counter_context(session: AsyncSession, mess: Mess, now: dt.datetime) -> dict[str, Any]:
    try:
        meal = await checkins.resolve_meal(session, mess, None, None, now)
    except NotFound:
        meal = None
    return {"mess": mess, "meal": meal, "meal_state": meal.state(now) if meal else None}


@router.get("/counter")
async def counter(request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep) -> Response:
    context = await _counter_context(session, mess, now)
    return render(request, "counter/counter.html", {**context, "result": None}, actor=actor)


@router.post("/counter/checkin")
async def check_in(
    request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep, settings: SettingsDep
) -> Response:
    form = await form_of(request)
    code = form.get("code", "")
    result: dict[str, Any] = {}

    async def action() -> str:
        if not code:
            raise InvalidInput("type a roll number or scan a QR code")
        identity = {"token": code} if QR_TOKEN.match(code) else {"roll_no": code}
        out = await checkins.check_in(
            session, actor, parse_form(CheckInIn, identity), now, settings.secret_key.get_secret_value()
        )
        result.update(
            kind=out.result,
            title=RESULT_TITLES.get(out.result, out.result),
            accepted=out.accepted,
            message=out.message,
            who=f"{out.resident.name} ({out.resident.roll_no}, {out.resident.diet.replace('_', '-')})"
            if out.resident
            else code,
            guests=out.guests,
            walk_in=out.walk_in,
            # Shown with every result; other messes' residents (wrong_mess) are not ours to show.
            resident_id=out.resident.id if out.resident and out.result != "wrong_mess" else None,
            name=out.resident.name if out.resident else "",
        )
        return out.message

    async def page(shown: Outcome) -> Response:
        """The result is the answer, with JavaScript or without: the counter never leaves its page."""
        if shown.error is not None:
            title = "Expired code" if shown.error.code == ErrorCode.INVALID_TOKEN else "Refused"
            result.update(kind="refused", title=title, accepted=False, message=shown.error.message, who=code)
        if is_htmx(request):
            # The answer carries the meal's new headcount (swapped out of band): no second request from the counter.
            context = {"result": result, **await _headcount_context(session, mess, now)}
            return render_fragment(request, "counter/_result.html", context, actor=actor, status_code=shown.status_code)
        context = {**await _counter_context(session, mess, now), "result": result}
        return render(request, "counter/counter.html", context, actor=actor, status_code=shown.status_code)

    return await submit(request, session, action, page, back=None)


async def _headcount_context(session: AsyncSession, mess: Mess, now: dt.datetime) -> dict[str, Any]:
    context = await _counter_context(session, mess, now)
    count = None
    if context["meal"] is not None:
        meal = context["meal"]
        count = await headcount.meal_headcount(session, context["mess"], meal.slot, meal.day, now)
    return {**context, "count": count, "now": now}


@router.get("/counter/headcount")
async def live_headcount(
    request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep
) -> Response:
    context = await _headcount_context(session, mess, now)
    if is_htmx(request):
        return render_fragment(request, "counter/_headcount.html", context, actor=actor)
    return render(request, "counter/headcount.html", context, actor=actor)


# --- extras sold ------------------------------------------------------------------------------------------------


async def _extras_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
    items = await extras.list_items(session, actor, None, True)
    today = local_today(now, mess.timezone)
    sold = await extras.list_purchases(
        session, actor, start=today, end=today, resident_id=None, mess_id=None, limit=50, offset=0
    )
    context = {"mess": mess, "items": items, "sold": sold, "today": today, **extra}
    return render(request, "counter/extras.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/counter/extras")
async def extras_page(request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep) -> Response:
    return await _extras_page(request, session, actor, mess, now)


@router.post("/counter/extras")
async def sell_extra(request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep) -> Response:
    form = await form_of(request)

    async def action() -> str:
        roll_no = form.get("roll_no", "")
        if not roll_no:
            raise InvalidInput("type the resident's roll number")
        buyer = await residents.find_by_roll_no(session, actor, roll_no)
        data = parse_form(
            PurchaseIn,
            {
                "resident_id": str(buyer.id),
                "item_id": form.get("item_id", ""),
                "quantity": form.get("quantity", "1"),
                "date": local_today(now, mess.timezone).isoformat(),
            },
        )
        sale = await extras.record_purchase(session, actor, data, now)
        return f"Sold {sale.quantity} x {sale.item} to {buyer.name} ({roll_no})."

    async def page(shown: Outcome) -> Response:
        return await _extras_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/counter/extras")


# --- wastage ----------------------------------------------------------------------------------------------------


async def _wastage_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
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
async def wastage_page(
    request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep
) -> Response:
    return await _wastage_page(request, session, actor, mess, now)


@router.post("/counter/wastage")
async def record_wastage(
    request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        data = parse_form(WastageIn, {k: form.get(k, "") for k in ("date", "slot", "kg", "note")})
        saved = await costs.record_wastage(session, actor, data, now)
        return f"Recorded {saved.kg:g} kg wasted at {saved.slot} on {text.day(saved.date)}."

    async def page(shown: Outcome) -> Response:
        return await _wastage_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/counter/wastage")
