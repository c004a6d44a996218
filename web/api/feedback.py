from __future__ import annotations

from typing import Annotated

from fastapi import Query

from mess.feedback import service
from mess.feedback.schemas import FeedbackIn, FeedbackOut
from web.api import api_router
from web.api.params import Day, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import LISTING, RANGE, ROLE, SLOT, TARGET, E, errors

router = api_router(tags=["feedback"])


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    responses=errors(ROLE, TARGET, E.NOT_FOUND, SLOT, E.NOT_RESIDENT, E.MEAL_NOT_SERVED),
)
async def rate_meal(data: FeedbackIn, session: SessionDep, actor: ActorDep, now: NowDep) -> FeedbackOut:
    """Rate a served meal (1..5); rating the same meal again replaces the earlier rating."""
    return await service.rate_meal(session, actor, data, now)


@router.get("/feedback", response_model=list[FeedbackOut], responses=errors(ROLE, RANGE, LISTING, SLOT))
async def list_feedback(
    session: SessionDep,
    actor: ActorDep,
    from_: Annotated[Day, Query(alias="from")],
    to: Day,
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
