"""A resident's own pages: leave applications, extras bought, meal ratings and the check-in QR code."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.auth.actor import Actor
from mess.checkins import service as checkins
from mess.extras import service as extras
from mess.feedback import service as feedback
from mess.feedback.schemas import FeedbackIn
from mess.kit.dates import check_month, local_today, month_bounds, month_of, next_month, previous_month
from mess.kit.ids import MAX_ID
from mess.leaves import service as leaves
from mess.leaves.schemas import LeaveIn
from mess.messes import service as messes
from mess.models import Mess
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.pages.deps import ResidentMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])


# --- leave ------------------------------------------------------------------------------------------------------


async def _leaves_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
    rows = await leaves.list_leaves(
        session, actor, status=None, resident_id=None, start=None, end=None, mess_id=None, limit=50, offset=0
    )
    today = local_today(now, mess.timezone)
    context = {
        "mess": mess,
        "leaves": rows,
        "today": today,
        **extra,
        "values": extra.get("values")
        or {"start_date": (today + dt.timedelta(days=1)).isoformat(), "end_date": "", "reason": ""},
    }
    return render(request, "resident/leaves.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/me/leaves")
async def my_leaves(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep
) -> Response:
    return await _leaves_page(request, session, actor, mess, now)


@router.post("/me/leaves")
async def apply_for_leave(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        data = parse_form(LeaveIn, {k: form.get(k, "") for k in ("start_date", "end_date", "reason")})
        leave = await leaves.apply_for_leave(session, actor, data, now)
        return f"Leave {text.span(leave.start_date, leave.end_date)} applied for; the warden will decide."

    async def page(shown: Outcome) -> Response:
        return await _leaves_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/me/leaves")


@router.post("/me/leaves/{leave_id}/withdraw")
async def withdraw_leave(
    request: Request,
    leave_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    actor: ActorDep,
    mess: ResidentMess,
    now: NowDep,
) -> Response:
    async def action() -> str:
        leave = await leaves.withdraw(session, actor, leave_id, now)
        return f"Leave {text.span(leave.start_date, leave.end_date)} withdrawn; those meals count again."

    async def page(shown: Outcome) -> Response:
        return await _leaves_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/me/leaves")


# --- extras -----------------------------------------------------------------------------------------------------


@router.get("/me/extras")
async def my_extras(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: ResidentMess,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    chosen = check_month(month) if month else month_of(local_today(now, mess.timezone))
    start, end = month_bounds(chosen)
    rows = await extras.list_purchases(
        session, actor, start=start, end=end, resident_id=None, mess_id=None, limit=500, offset=0
    )
    context = {
        "mess": mess,
        "month": chosen,
        "purchases": rows,
        "total": sum(row.amount for row in rows),
        "previous": previous_month(chosen),
        "next": next_month(chosen),
    }
    return render(request, "resident/extras.html", context, actor=actor)


# --- feedback ---------------------------------------------------------------------------------------------------


async def _feedback_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
    today = local_today(now, mess.timezone)
    rows = await feedback.list_feedback(
        session,
        actor,
        start=today - dt.timedelta(days=13),
        end=today,
        slot_code=None,
        resident_id=None,
        mess_id=None,
        limit=100,
        offset=0,
    )
    context = {
        "mess": mess,
        "today": today,
        "slots": await messes.list_slots(session, actor),
        "ratings": rows,
        **extra,
    }
    return render(request, "resident/feedback.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/me/feedback")
async def my_feedback(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep
) -> Response:
    return await _feedback_page(request, session, actor, mess, now)


@router.post("/me/feedback")
async def rate_meal(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        data = parse_form(FeedbackIn, {k: form.get(k, "") for k in ("date", "slot", "rating", "comment")})
        await feedback.rate_meal(session, actor, data, now)
        return "Thank you: your rating is saved."

    async def page(shown: Outcome) -> Response:
        return await _feedback_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/me/feedback")


# --- QR code ----------------------------------------------------------------------------------------------------


@router.get("/me/qr")
async def my_qr(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep, settings: SettingsDep
) -> Response:
    seconds = settings.qr_token_seconds
    qr = await checkins.my_qr(session, actor, now, settings.secret_key.get_secret_value(), seconds)
    # Refresh well before expiry, so the code on the screen is always valid when scanned.
    refresh = max(5, seconds - max(15, seconds // 4))
    context = {"mess": mess, "qr": qr, "refresh": refresh, "seconds": seconds}
    return render(request, "resident/qr.html", context, actor=actor)
