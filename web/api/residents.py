from __future__ import annotations

from fastapi import APIRouter, Query, status

from mess.residents import service
from mess.residents.schemas import ResidentCreate, ResidentOut, ResidentPatch
from web.api import API_PREFIX
from web.api.params import IdPath, IdQuery, Offset
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["residents"])


@router.post("/residents", response_model=ResidentOut, status_code=status.HTTP_201_CREATED)
async def create_resident(data: ResidentCreate, session: SessionDep, actor: ActorDep, now: NowDep) -> ResidentOut:
    return await service.create_resident(session, actor, data, now)


@router.get("/residents", response_model=list[ResidentOut])
async def list_residents(
    session: SessionDep,
    actor: ActorDep,
    q: str | None = Query(None, max_length=64),
    mess_id: IdQuery = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: Offset = 0,
) -> list[ResidentOut]:
    return await service.list_residents(session, actor, mess_id, q, limit, offset)


@router.get("/residents/{resident_id}", response_model=ResidentOut)
async def get_resident(resident_id: IdPath, session: SessionDep, actor: ActorDep) -> ResidentOut:
    return await service.get_resident(session, actor, resident_id)


@router.patch("/residents/{resident_id}", response_model=ResidentOut)
async def update_resident(
    resident_id: IdPath, patch: ResidentPatch, session: SessionDep, actor: ActorDep
) -> ResidentOut:
    return await service.update_resident(session, actor, resident_id, patch)
