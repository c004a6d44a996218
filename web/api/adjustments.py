from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from mess.adjustments import service
from mess.adjustments.schemas import AdjustmentIn, AdjustmentOut
from mess.kit.dates import MONTH_PATTERN
from web.api import API_PREFIX
from web.api.params import IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["adjustments"])


@router.post("/adjustments", response_model=AdjustmentOut, status_code=status.HTTP_201_CREATED)
async def create_adjustment(data: AdjustmentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> AdjustmentOut:
    return await service.create_adjustment(session, actor, data, now)


@router.get("/adjustments", response_model=list[AdjustmentOut])
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
