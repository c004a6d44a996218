"""The counter's corrections: void an extra sold (with a reason), correct a wastage entry on its day."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from starlette.responses import Response

from mess import text
from mess.costs import service as costs
from mess.costs.schemas import WastagePatch
from mess.extras import service as extras
from mess.extras.schemas import VoidIn
from mess.kit.ids import MAX_ID
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.counter import _extras_page, _wastage_page
from web.pages.deps import StaffMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import page_router

router = page_router(tags=["pages"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/counter/extras/{purchase_id}/void")
async def void_extra(
    purchase_id: Id, request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        sale = await extras.void_purchase(session, actor, purchase_id, parse_form(VoidIn, form), now)
        return f"Voided {sale.quantity} x {sale.item} sold to {sale.name} ({sale.roll_no}): not billed."

    async def page(shown: Outcome) -> Response:
        return await _extras_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/counter/extras")


@router.post("/counter/wastage/{wastage_id}")
async def correct_wastage(
    wastage_id: Id, request: Request, session: SessionDep, actor: ActorDep, mess: StaffMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        patch = parse_form(WastagePatch, {k: form.get(k, "") for k in ("kg", "note")})
        saved = await costs.update_wastage(session, actor, wastage_id, patch, now)
        return f"Corrected: {saved.kg:g} kg wasted at {saved.slot} on {text.day(saved.date)}."

    async def page(shown: Outcome) -> Response:
        return await _wastage_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/counter/wastage")
