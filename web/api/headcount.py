"""Live headcount of a meal for the counter and the kitchen."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from mess.headcount import service
from mess.headcount.schemas import HeadcountOut
from web.api import api_router
from web.api.params import Day, IdQuery
from web.deps import ActorDep, NowDep, ReadSessionDep
from web.openapi import MESS, ROLE, SLOT, errors

router = api_router(tags=["headcount"])


@router.get("/headcount", response_model=HeadcountOut, responses=errors(ROLE, MESS, SLOT))
async def headcount(
    session: ReadSessionDep,
    actor: ActorDep,
    now: NowDep,
    date: Day | None = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
) -> HeadcountOut:
    """Booked, guests and diets from one aggregate over effective bookings; default: the current or next meal."""
    return await service.headcount(session, actor, date, slot, mess_id, now)
