from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, status

from mess.costs import service
from mess.costs.schemas import ExpenseCategory, ExpenseIn, ExpenseOut, WastageIn, WastageOut, WastagePatch
from mess.kit.ids import MAX_ID
from web.api import api_router
from web.api.params import Day, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import MESS, MESS_FOR, RANGE, ROLE, SLOT, E, errors

router = api_router(tags=["costs"])

From = Annotated[Day, Query(alias="from")]


@router.post(
    "/expenses",
    response_model=ExpenseOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, E.INVALID_INPUT, E.DATE_OUT_OF_RANGE),
)
async def record_expense(data: ExpenseIn, session: SessionDep, actor: ActorDep, now: NowDep) -> ExpenseOut:
    return await service.record_expense(session, actor, data, now)


@router.get("/expenses", response_model=list[ExpenseOut], responses=errors(ROLE, MESS_FOR, RANGE))
async def list_expenses(
    session: SessionDep,
    actor: ActorDep,
    from_: From,
    to: Day,
    category: ExpenseCategory | None = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[ExpenseOut]:
    return await service.list_expenses(
        session, actor, start=from_, end=to, category=category, mess_id=mess_id, limit=limit, offset=offset
    )


@router.post(
    "/wastage",
    response_model=WastageOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, SLOT, E.INVALID_INPUT),
)
async def record_wastage(data: WastageIn, session: SessionDep, actor: ActorDep, now: NowDep) -> WastageOut:
    return await service.record_wastage(session, actor, data, now)


@router.get("/wastage", response_model=list[WastageOut], responses=errors(ROLE, MESS_FOR, SLOT, RANGE))
async def list_wastage(
    session: SessionDep,
    actor: ActorDep,
    from_: From,
    to: Day,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[WastageOut]:
    return await service.list_wastage(
        session, actor, start=from_, end=to, slot_code=slot, mess_id=mess_id, limit=limit, offset=offset
    )


@router.patch(
    "/wastage/{wastage_id}", response_model=WastageOut, responses=errors(ROLE, E.NOT_FOUND, E.WRONG_MESS, SLOT)
)
async def update_wastage(
    wastage_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    patch: WastagePatch,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
) -> WastageOut:
    """Correct an entry (slot, kg, note) on the day it was recorded (403 afterwards), audited."""
    return await service.update_wastage(session, actor, wastage_id, patch, now)
