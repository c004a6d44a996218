from __future__ import annotations

from fastapi import status

from mess.messes import service
from mess.messes.schemas import MessCreate, MessOut, MessPatch, SlotOut
from mess.users import service as users
from mess.users.schemas import UserCreate, UserOut
from web.api import api_router
from web.api.params import IdPath, IdQuery
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import MESS_FOR, ROLE, E, errors

router = api_router(tags=["messes"])


@router.post(
    "/messes",
    response_model=MessOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, E.ALREADY_EXISTS, E.CONFLICT),
)
async def create_mess(data: MessCreate, session: SessionDep, actor: ActorDep, now: NowDep) -> MessOut:
    return await service.create_mess(session, actor, data, now)


@router.get("/messes", response_model=list[MessOut])
async def list_messes(session: SessionDep, actor: ActorDep) -> list[MessOut]:
    return await service.list_messes(session, actor)


@router.patch("/messes/{mess_id}", response_model=MessOut, responses=errors(ROLE, E.WRONG_MESS, E.NOT_FOUND))
async def update_mess(mess_id: IdPath, patch: MessPatch, session: SessionDep, actor: ActorDep) -> MessOut:
    return await service.update_mess(session, actor, mess_id, patch)


@router.get("/slots", response_model=list[SlotOut], responses=errors(MESS_FOR))
async def list_slots(session: SessionDep, actor: ActorDep, mess_id: IdQuery = None) -> list[SlotOut]:
    return await service.list_slots(session, actor, mess_id)


@router.post(
    "/users",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS_FOR, E.INVALID_INPUT, E.ALREADY_EXISTS),
)
async def create_user(data: UserCreate, session: SessionDep, actor: ActorDep, now: NowDep) -> UserOut:
    return await users.create_user(session, actor, data, now)
