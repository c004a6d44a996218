"""The warden's residents: list and search, add, edit, end a residency."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess.auth.actor import Actor
from mess.errors import MessError
from mess.kit.dates import local_today
from mess.kit.diets import DIETS
from mess.messes.service import load_mess
from mess.residents import service as residents
from mess.residents.schemas import ResidentCreate, ResidentPatch
from web.deps import ActorDep, NowDep, SessionDep
from web.pages.rendering import form_of, is_htmx, page_router, parse_form, redirect, render

router = page_router(tags=["pages"])


async def _mess(session: AsyncSession, actor: Actor) -> Any:
    actor.require("warden", "admin")
    return await load_mess(session, actor.mess_for(None))


async def _list_page(
    request: Request, session: AsyncSession, actor: Actor, now: dt.datetime, q: str, **extra: Any
) -> Response:
    mess = await _mess(session, actor)
    rows = await residents.list_residents(session, actor, None, q or None, 200, 0)
    today = local_today(now, mess.timezone)
    context = {"mess": mess, "residents": rows, "q": q, "today": today, "diets": DIETS, "values": {}, **extra}
    return render(request, "warden/residents.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/residents")
async def resident_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return await _list_page(request, session, actor, now, q.strip())


@router.post("/warden/residents")
async def add_resident(request: Request, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    await _mess(session, actor)
    form = await form_of(request)
    fields = ("roll_no", "name", "email", "password", "diet", "active_from", "active_to")
    try:
        created = await residents.create_resident(
            session, actor, parse_form(ResidentCreate, {k: form.get(k, "") for k in fields}), now
        )
    except MessError as exc:
        await session.rollback()
        if not is_htmx(request):
            return redirect(request, "/warden/residents", exc.message, "error")
        kept = {k: v for k, v in form.items() if k != "password"}
        return await _list_page(
            request, session, actor, now, "", error=exc.message, values=kept, status_code=exc.status_code
        )
    message = f"Added {created.name} ({created.roll_no}); they sign in with the roll number."
    if not is_htmx(request):
        return redirect(request, "/warden/residents", message, "ok")
    return await _list_page(request, session, actor, now, "", notice=message)


async def _edit_page(
    request: Request, session: AsyncSession, actor: Actor, now: dt.datetime, resident_id: int, **extra: Any
) -> Response:
    mess = await _mess(session, actor)
    resident = await residents.get_resident(session, actor, resident_id)
    context = {"mess": mess, "resident": resident, "diets": DIETS, "today": local_today(now, mess.timezone), **extra}
    return render(request, "warden/resident.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/residents/{resident_id}")
async def resident_form(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, now: NowDep
) -> Response:
    return await _edit_page(request, session, actor, now, resident_id)


@router.post("/warden/residents/{resident_id}")
async def edit_resident(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, now: NowDep
) -> Response:
    await _mess(session, actor)
    form = await form_of(request)
    fields: tuple[str, ...] = ("name", "email", "password", "diet", "active_from", "active_to")
    if form.get("end_residency"):
        fields = ("active_to",)
    url = f"/warden/residents/{resident_id}"
    try:
        patch = parse_form(ResidentPatch, {k: form.get(k, "") for k in fields})
        saved = await residents.update_resident(session, actor, resident_id, patch)
    except MessError as exc:
        await session.rollback()
        if not is_htmx(request):
            return redirect(request, url, exc.message, "error")
        return await _edit_page(
            request, session, actor, now, resident_id, error=exc.message, status_code=exc.status_code
        )
    message = (
        f"Residency of {saved.name} ends on {saved.active_to:%d %b %Y}."
        if form.get("end_residency") and saved.active_to
        else f"Saved {saved.name}."
    )
    if not is_htmx(request):
        return redirect(request, url, message, "ok")
    return await _edit_page(request, session, actor, now, resident_id, notice=message)
