"""The resident's inbox (with the unread badge in the navigation), notification preferences with the Web Push
subscribe button, and the service worker that shows a push and opens the inbox (PRODUCT 7.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import Path, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import FileResponse, Response

from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.kit.ids import MAX_ID
from mess.models import Mess
from mess.notifications import service
from mess.notifications.schemas import PreferencesIn
from mess.text.validation import explain
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import ResidentMess
from web.pages.forms import Outcome, form_of, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])
STATIC = FilePath(__file__).resolve().parent.parent / "static"


async def _inbox_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, **extra: Any
) -> Response:
    rows, total = await service.inbox(session, actor, unread=False, limit=100, offset=0)
    request.state.unread = await service.unread_count(session, actor)
    context = {"mess": mess, "notifications": rows, "total": total, "now": now, **extra}
    return render(request, "resident/inbox.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/me/inbox")
async def inbox(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep) -> Response:
    return await _inbox_page(request, session, actor, mess, now)


@router.post("/me/inbox/read-all")
async def read_all(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep) -> Response:
    async def action() -> str:
        marked = await service.mark_all_read(session, actor, now)
        return "Everything is marked read." if marked else "Nothing was unread."

    async def page(shown: Outcome) -> Response:
        return await _inbox_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/me/inbox")


@router.post("/me/inbox/{notification_id}/read")
async def read_one(
    request: Request,
    notification_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    actor: ActorDep,
    mess: ResidentMess,
    now: NowDep,
) -> Response:
    async def action() -> str:
        await service.mark_read(session, actor, notification_id, now)
        return "Marked read."

    async def page(shown: Outcome) -> Response:
        return await _inbox_page(request, session, actor, mess, now, **shown.context)

    return await submit(request, session, action, page, back="/me/inbox")


# --- preferences ------------------------------------------------------------------------------------------------


async def _preferences_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, **extra: Any
) -> Response:
    current = await service.preferences(session, actor)
    context = {"mess": mess, "preferences": current, **extra}
    context.setdefault("values", {"quiet_start": current.quiet_start or "", "quiet_end": current.quiet_end or ""})
    return render(
        request, "resident/notifications.html", context, actor=actor, status_code=extra.get("status_code", 200)
    )


@router.get("/me/notifications")
async def preferences(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess) -> Response:
    return await _preferences_page(request, session, actor, mess)


@router.post("/me/notifications")
async def save_preferences(
    request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        # Every field is given: an emptied quiet-hours pair clears them, an unticked box turns a channel off.
        quiet = {k: (form.get(k) or "")[:5] or None for k in ("quiet_start", "quiet_end")}
        flags = {k: form.get(k) == "1" for k in ("email", "push", "reminders")}
        try:
            data = PreferencesIn.model_validate({**flags, **quiet})
        except ValidationError as exc:
            message, field = explain(exc.errors())
            raise InvalidInput(message, field=field or "quiet_start") from exc  # the pair is what is wrong
        await service.set_preferences(session, actor, data, now)
        return "Your notification settings are saved."

    async def page(shown: Outcome) -> Response:
        return await _preferences_page(request, session, actor, mess, **shown.context)

    return await submit(request, session, action, page, back="/me/notifications")


@router.get("/sw.js")
async def service_worker() -> FileResponse:
    """Served at the root so its scope is the whole site; never cached long, so a new version reaches phones."""
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return FileResponse(STATIC / "sw.js", media_type="text/javascript", headers=headers)
