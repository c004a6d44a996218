"""What a page needs before it starts: the caller's mess, loaded once and checked against the caller's role.

@router.get("/warden/leaves")
async def leave_queue(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess) -> Response:
    ...  # `mess` is the warden's (or named admin's) Mess; anyone else got 403 before the body ran
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mess.messes.service import load_mess
from mess.models import Mess
from web.deps import ActorDep, SessionDep


async def _detached(session: SessionDep, mess_id: int) -> Mess:
    mess = await load_mess(session, mess_id)
    # Detached, so the rollback of a refused form (which expires every row in the session) leaves it readable.
    session.expunge(mess)
    return mess


async def warden_mess(session: SessionDep, actor: ActorDep) -> Mess:
    actor.require("warden", "admin")
    return await _detached(session, actor.mess_for(None))


async def staff_mess(session: SessionDep, actor: ActorDep) -> Mess:
    """The counter: staff, and the warden (or admin) standing in for them."""
    actor.require("staff", "warden", "admin")
    return await _detached(session, actor.mess_for(None))


async def resident_mess(session: SessionDep, actor: ActorDep) -> Mess:
    actor.require("resident")
    return await _detached(session, actor.own_mess_id())


WardenMess = Annotated[Mess, Depends(warden_mess)]
StaffMess = Annotated[Mess, Depends(staff_mess)]
ResidentMess = Annotated[Mess, Depends(resident_mess)]
