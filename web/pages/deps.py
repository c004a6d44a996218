"""What a page needs before it starts: the caller's mess, loaded once and checked against the caller's role.

@router.get("/warden/leaves")
async def leave_queue(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess) -> Response:
    ...  # `mess` is the warden's (or named admin's) Mess; anyone else got 403 before the body ran
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from mess.messes.service import load_mess
from mess.models import Mess
from mess.notifications import service as notifications
from web.deps import ActorDep, BookingChangeSessionDep, SessionDep

KEPT = "pages.kept_rows"


async def _kept(session: AsyncSession, mess_id: int) -> Mess:
    mess = await load_mess(session, mess_id)
    session.info.setdefault(KEPT, []).append(mess)
    return mess


async def reload_kept(session: AsyncSession) -> None:
    """After a refused form's rollback (which expires every row), read the page's rows again: the page is rendered
    next, and an expired row cannot load itself lazily under asyncio."""
    for row in session.info.get(KEPT, ()):
        await session.refresh(row)


async def warden_mess(session: SessionDep, actor: ActorDep) -> Mess:
    actor.require("warden", "admin")
    return await _kept(session, actor.mess_for(None))


async def staff_mess(session: SessionDep, actor: ActorDep) -> Mess:
    """The counter: staff, and the warden (or admin) standing in for them."""
    actor.require("staff", "warden", "admin")
    return await _kept(session, actor.mess_for(None))


async def resident_mess(request: Request, session: SessionDep, actor: ActorDep) -> Mess:
    actor.require("resident")
    mess = await _kept(session, actor.own_mess_id())
    if request.method == "GET" and request.headers.get("hx-request") != "true":  # a whole page: its nav's badge
        request.state.unread = await notifications.unread_count(session, actor)
    return mess


async def resident_booking_mess(session: BookingChangeSessionDep, actor: ActorDep) -> Mess:
    """The resident's mess on the booking change's own unit of work (the week's meal toggle)."""
    actor.require("resident")
    return await _kept(session, actor.own_mess_id())


WardenMess = Annotated[Mess, Depends(warden_mess)]
StaffMess = Annotated[Mess, Depends(staff_mess)]
ResidentMess = Annotated[Mess, Depends(resident_mess)]
ResidentBookingMess = Annotated[Mess, Depends(resident_booking_mess)]
