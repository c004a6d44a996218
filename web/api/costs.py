from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from mess.costs import service
from mess.costs.schemas import ExpenseCategory, ExpenseIn, ExpenseOut, WastageIn, WastageOut, WastagePatch
from mess.kit.ids import MAX_ID
from web.api import API_PREFIX
from web.api.params import IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["costs"])

From = Annotated[dt.date, Query(alias="from")]


@router.post("/expenses", response_model=ExpenseOut, status_code=status.HTTP_201_CREATED)
async def record_expense(data: ExpenseIn, session: SessionDep, actor: ActorDep, now: NowDep) -> ExpenseOut:
    return await service.record_expense(session, actor, data, now)


@router.get("/expenses", response_model=list[ExpenseOut])
async def list_expenses(
    session: SessionDep,
    actor: ActorDep,
    from_: From,
    to: dt.date,
    category: ExpenseCategory | None = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[ExpenseOut]:
    return await service.list_expenses(
        session, actor, start=from_, end=to, category=category, mess_id=mess_id, limit=limit, offset=offset
    )


@router.post("/wastage", response_model=WastageOut, status_code=status.HTTP_201_CREATED)
async def record_wastage(data: WastageIn, session: SessionDep, actor: ActorDep, now: NowDep) -> WastageOut:
    return await service.record_wastage(session, actor, data, now)


@router.get("/wastage", response_model=list[WastageOut])
async def list_wastage(
    session: SessionDep,
    actor: ActorDep,
    from_: From,
    to: dt.date,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[WastageOut]:
    return await service.list_wastage(
        session, actor, start=from_, end=to, slot_code=slot, mess_id=mess_id, limit=limit, offset=offset
    )


@router.patch("/wastage/{wastage_id}", response_model=WastageOut)
async def update_wastage(
    wastage_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    patch: WastagePatch,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
) -> WastageOut:
    """Correct an entry (slot, kg, note) on the day it was recorded (403 afterwards), audited."""
    return await service.update_wastage(session, actor, wastage_id, patch, now)
