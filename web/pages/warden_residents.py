"""The warden's residents: list and search, add, edit, end a residency."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess.auth.actor import Actor
from mess.kit.dates import local_today
from mess.kit.diets import DIETS
from mess.models import Mess
from mess.residents import service as residents
from mess.residents.schemas import ResidentCreate, ResidentPatch
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])


async def _list_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, q: str, **extra: Any
) -> Response:
    rows = await residents.list_residents(session, actor, None, q or None, 200, 0)
    today = local_today(now, mess.timezone)
    context = {"mess": mess, "residents": rows, "q": q, "today": today, "diets": DIETS, "values": {}, **extra}
    return render(request, "warden/residents.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/residents")
async def resident_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return await _list_page(request, session, actor, mess, now, q.strip())


@router.post("/warden/residents")
async def add_resident(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    fields = ("roll_no", "name", "email", "password", "diet", "active_from", "active_to")

    async def action() -> str:
        data = parse_form(ResidentCreate, {k: form.get(k, "") for k in fields})
        created = await residents.create_resident(session, actor, data, now)
        return f"Added {created.name} ({created.roll_no}); they sign in with the roll number."

    async def page(shown: Outcome) -> Response:
        return await _list_page(request, session, actor, mess, now, "", **shown.context)

    return await submit(request, session, action, page, back="/warden/residents")


async def _edit_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, resident_id: int, **extra: Any
) -> Response:
    resident = await residents.get_resident(session, actor, resident_id)
    context = {"mess": mess, "resident": resident, "diets": DIETS, "today": local_today(now, mess.timezone), **extra}
    return render(request, "warden/resident.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/residents/{resident_id}")
async def resident_form(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    return await _edit_page(request, session, actor, mess, now, resident_id)


@router.post("/warden/residents/{resident_id}")
async def edit_resident(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    ending = bool(form.get("end_residency"))
    fields = ("active_to",) if ending else ("name", "email", "password", "diet", "active_from", "active_to")

    async def action() -> str:
        patch = parse_form(ResidentPatch, {k: form.get(k, "") for k in fields})
        saved = await residents.update_resident(session, actor, resident_id, patch)
        if ending and saved.active_to:
            return f"Residency of {saved.name} ends on {saved.active_to:%d %b %Y}."
        return f"Saved {saved.name}."

    async def page(shown: Outcome) -> Response:
        return await _edit_page(request, session, actor, mess, now, resident_id, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/residents/{resident_id}")
