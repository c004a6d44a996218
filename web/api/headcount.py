"""Live headcount of a meal for the counter and the kitchen."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from mess.headcount import service
from mess.headcount.schemas import HeadcountOut
from web.api import API_PREFIX
from web.api.params import IdQuery
from web.deps import ActorDep, NowDep, ReadSessionDep

router = APIRouter(prefix=API_PREFIX, tags=["headcount"])


@router.get("/headcount", response_model=HeadcountOut)
async def headcount(
    session: ReadSessionDep,
    actor: ActorDep,
    now: NowDep,
    date: dt.date | None = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
) -> HeadcountOut:
    """Booked, guests and diets from one aggregate over effective bookings; default: the current or next meal."""
    return await service.headcount(session, actor, date, slot, mess_id, now)
