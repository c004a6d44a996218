from __future__ import annotations

from typing import Annotated

from fastapi import Query, status

from mess.adjustments import service
from mess.adjustments.schemas import AdjustmentIn, AdjustmentOut
from mess.kit.dates import MONTH_PATTERN
from web.api import api_router
from web.api.params import IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import LISTING, RESIDENT, ROLE, E, errors

router = api_router(tags=["adjustments"])


@router.post(
    "/adjustments",
    response_model=AdjustmentOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, RESIDENT, E.NOT_RESIDENT, E.ALREADY_ISSUED),
)
async def create_adjustment(data: AdjustmentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> AdjustmentOut:
    return await service.create_adjustment(session, actor, data, now)


@router.get("/adjustments", response_model=list[AdjustmentOut], responses=errors(ROLE, E.INVALID_INPUT, LISTING))
async def list_adjustments(
    session: SessionDep,
    actor: ActorDep,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")] = None,
    resident_id: IdQuery = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[AdjustmentOut]:
    return await service.list_adjustments(
        session, actor, month=month, resident_id=resident_id, mess_id=mess_id, limit=limit, offset=offset
    )
