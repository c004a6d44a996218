"""The kitchen's printable plan: what to cook for a meal (PRODUCT 7.5; mess.kitchen)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from mess import text
from mess.errors import MessError
from mess.kit.dates import local_today
from mess.kitchen.service import kitchen_plan
from mess.messes import service as messes
from web.api.params import Day
from web.deps import ActorDep, NowDep, ReadSessionDep
from web.pages.deps import StaffMess
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])

DIET_WORDS = {"veg": "vegetarian", "non_veg": "non-vegetarian", "egg": "eggetarian", "jain": "jain"}
TRENDS = {"down": "falling", "up": "rising", "flat": "steady"}


def amount(value: float | None, unit: str | None) -> str:
    """1.65 kg, 2.2 l, 33 pieces; a dash with no portion set."""
    if value is None or unit is None:
        return "—"
    if unit == "pieces":
        return f"{value:,.0f} pieces"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


@router.get("/kitchen")
async def kitchen_page(
    request: Request,
    session: ReadSessionDep,
    actor: ActorDep,
    mess: StaffMess,
    now: NowDep,
    date: Day | None = None,
    slot: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    today = local_today(now, mess.timezone)
    slots = await messes.list_slots(session, actor, mess.id)
    chosen = slot or (slots[0].code if slots else None)
    plan, problem = None, None
    try:
        plan = await kitchen_plan(session, actor, date or today, chosen, mess.id, now)
    except MessError as exc:
        problem = exc.message
    context = {
        "mess": mess,
        "plan": plan,
        "problem": problem,
        "slots": slots,
        "today": today,
        "chosen_day": date or today,
        "chosen_slot": chosen or "",
        "day_words": text.day(plan.date, today) if plan else "",
        "amount": amount,
        "trend_words": TRENDS,
        "printed": text.moment(now, mess.timezone, today),
        "diet_words": DIET_WORDS,
        "horizon": today + dt.timedelta(days=14),
    }
    return render(request, "kitchen/plan.html", context, actor=actor)
