"""The warden's residents: list and search, add, edit, upload a photo, end a residency."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import BackgroundTasks, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mess import text
from mess.accounts import service as accounts
from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.kit.allergens import ALLERGENS
from mess.kit.dates import local_today
from mess.kit.diets import DIETS
from mess.models import Mess
from mess.residents import photos
from mess.residents import service as residents
from mess.residents.profile import resident_profile
from mess.residents.rollover import RolloverIn, rollover
from mess.residents.schemas import NO_NUL, ResidentCreate, ResidentPatch, ResidentSearch
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.mailing import send_after_response
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, form_of, parse_form, submit
from web.pages.profile import ALLERGEN_LABELS
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])


PAGE_SIZE = 50


async def _list_page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    search: ResidentSearch | None = None,
    **extra: Any,
) -> Response:
    search = search or ResidentSearch(limit=PAGE_SIZE)
    rows, total = await residents.search_residents(session, actor, search, now)
    today = local_today(now, mess.timezone)
    context = {
        "mess": mess,
        "residents": rows,
        "total": total,
        "search": search,
        "q": search.q or "",
        "today": today,
        "diets": DIETS,
        "values": {},
        **extra,
    }
    return render(request, "warden/residents.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/residents")
async def resident_list(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    q: Annotated[str, Query(max_length=64, pattern=NO_NUL)] = "",
    status: Annotated[Literal["all", "active", "leaving"], Query()] = "all",
    sort: Annotated[str, Query(max_length=16)] = "roll_no",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    allowed = {"roll_no", "name", "room", "active_from", "active_to"}
    sort = sort if sort.lstrip("-") in allowed else "roll_no"
    search = ResidentSearch(
        q=q.strip() or None,
        status=status,
        sort=sort,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return await _list_page(request, session, actor, mess, now, search, page=page, page_size=PAGE_SIZE)


@router.post("/warden/residents")
async def add_resident(
    request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    fields = ("roll_no", "name", "email", "password", "diet", "active_from", "active_to", "room", "phone")

    async def action() -> str:
        data = parse_form(ResidentCreate, {k: form.get(k, "") for k in fields})
        created = await residents.create_resident(session, actor, data, now)
        return f"Added {created.name} ({created.roll_no}); they sign in with the roll number."

    async def page(shown: Outcome) -> Response:
        return await _list_page(request, session, actor, mess, now, None, **shown.context)

    return await submit(request, session, action, page, back="/warden/residents")


async def _edit_page(
    request: Request, session: AsyncSession, actor: Actor, mess: Mess, now: dt.datetime, resident_id: int, **extra: Any
) -> Response:
    profile = await resident_profile(session, actor, mess, resident_id, now)
    r = profile.resident
    edit = {
        "name": r.name,
        "email": r.email,
        "diet": r.diet,
        "active_from": r.active_from.isoformat(),
        "active_to": r.active_to.isoformat() if r.active_to else "",
        "room": r.room or "",
        "phone": r.phone or "",
    }
    typed = extra.get("values")  # after a refused edit: the form as it was typed and ticked, not as stored
    if typed is not None and typed.get("end_residency"):
        typed = None  # the refused form was the end-of-residency one: the edit form shows what is stored
    if typed is not None:
        edit.update({field: str(typed.get(field, "")) for field in edit})
    context = {
        "mess": mess,
        "resident": profile.resident,
        "profile": profile,
        "has_photo": await photos.has_photo(session, profile.resident.id),
        "diets": DIETS,
        "today": local_today(now, mess.timezone),
        "allergens": [(code, ALLERGEN_LABELS[code]) for code in ALLERGENS],
        "chosen": set(r.allergens) if typed is None else _ticked(typed),
        "edit": edit,
        **extra,
    }
    return render(request, "warden/resident.html", context, actor=actor, status_code=extra.get("status_code", 200))


def _ticked(form: Any) -> list[str]:
    """The allergens ticked on the edit form (a_<code> boxes, as on the resident's own profile page)."""
    return [code for code in ALLERGENS if form.get(f"a_{code}")]


@router.get("/warden/residents/{resident_id:int}")
async def resident_form(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    return await _edit_page(request, session, actor, mess, now, resident_id)


@router.post("/warden/residents/{resident_id:int}")
async def edit_resident(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    form = await form_of(request)
    ending = bool(form.get("end_residency"))
    editable = ("name", "email", "password", "diet", "active_from", "active_to", "room", "phone")
    fields = ("active_to",) if ending else editable

    async def action() -> str:
        data: dict[str, Any] = {k: form.get(k, "") for k in fields}
        if not ending:  # the edit form lists every allergen: the ticked ones are the list, none ticked clears it
            data["allergens"] = _ticked(form)
        patch = parse_form(ResidentPatch, data)
        saved = await residents.update_resident(session, actor, resident_id, patch)
        if ending and saved.active_to:
            return f"Residency of {saved.name} ends on {text.day(saved.active_to)}."
        return f"Saved {saved.name}."

    async def page(shown: Outcome) -> Response:
        return await _edit_page(request, session, actor, mess, now, resident_id, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/residents/{resident_id}")


@router.post("/warden/residents/{resident_id:int}/photo")
async def upload_photo(
    request: Request, resident_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep
) -> Response:
    """The photo the counter shows with every check-in (PUT /api/v1/residents/{id}/photo from a form)."""
    upload = (await request.form()).get("photo")

    async def action() -> str:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choose a photo (JPEG or PNG) to upload", field="photo")
        await photos.put_photo(session, actor, resident_id, await upload.read(photos.MAX_BYTES + 1), now)
        return "Photo saved: the counter shows it with every check-in."

    async def page(shown: Outcome) -> Response:
        return await _edit_page(request, session, actor, mess, now, resident_id, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/residents/{resident_id}")


@router.post("/warden/residents/invite-all")
async def invite_everyone(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    async def action() -> str:
        mails = await accounts.invite_everyone_without_password(session, actor, settings, None, now)
        send_after_response(background, request, mails)
        if not mails:
            return "Everyone has a password already: no invitation was needed."
        return f"Invitations are on their way to {len(mails)} resident{'s' if len(mails) != 1 else ''}."

    async def page(shown: Outcome) -> Response:
        return await _list_page(request, session, actor, mess, now, None, **shown.context)

    return await submit(request, session, action, page, back="/warden/residents")


@router.post("/warden/residents/rollover")
async def end_stays(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep) -> Response:
    form = await form_of(request)
    fields = ("q", "status", "active_to", "reason")

    async def action() -> str:
        data = parse_form(RolloverIn, {"action": "end", **{k: form.get(k, "") for k in fields}})
        done = await rollover(session, actor, data, now)
        message = f"The stay of {done.affected} resident{'s' if done.affected != 1 else ''} ends on "
        message += f"{data.active_to:%d %b %Y}." if data.active_to else "that day."
        if done.refused:
            message += f" Not changed ({len(done.refused)}): " + "; ".join(
                f"{r.roll_no}: {r.message}" for r in done.refused[:5]
            )
        return message

    async def page(shown: Outcome) -> Response:
        return await _list_page(request, session, actor, mess, now, None, **shown.context)

    return await submit(request, session, action, page, back="/warden/residents")


@router.post("/warden/residents/{resident_id:int}/invite")
async def invite_one(
    request: Request,
    resident_id: int,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    settings: SettingsDep,
    now: NowDep,
) -> Response:
    async def action() -> str:
        mail = await accounts.invite(session, actor, settings, resident_id, now)
        send_after_response(background, request, [mail])
        return f"An invitation to set a password is on its way to {mail.to} (the link works for 7 days)."

    async def page(shown: Outcome) -> Response:
        return await _edit_page(request, session, actor, mess, now, resident_id, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/residents/{resident_id}")
