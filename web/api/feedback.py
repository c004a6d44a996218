from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from mess.feedback import service
from mess.feedback.schemas import FeedbackIn, FeedbackOut
from web.api import API_PREFIX
from web.api.params import IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["feedback"])


@router.post("/feedback", response_model=FeedbackOut)
async def rate_meal(data: FeedbackIn, session: SessionDep, actor: ActorDep, now: NowDep) -> FeedbackOut:
    """Rate a served meal (1..5); rating the same meal again replaces the earlier rating."""
    return await service.rate_meal(session, actor, data, now)


@router.get("/feedback", response_model=list[FeedbackOut])
async def list_feedback(
    session: SessionDep,
    actor: ActorDep,
    from_: Annotated[dt.date, Query(alias="from")],
    to: dt.date,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    resident_id: IdQuery = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[FeedbackOut]:
    return await service.list_feedback(
        session,
        actor,
        start=from_,
        end=to,
        slot_code=slot,
        resident_id=resident_id,
        mess_id=mess_id,
        limit=limit,
        offset=offset,
    )
