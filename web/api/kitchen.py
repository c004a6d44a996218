"""The kitchen plan: what to cook for a meal (PRODUCT 7.5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from mess.kitchen import service
from mess.kitchen.schemas import KitchenPlan
from web.api import api_router
from web.api.params import Day, IdQuery
from web.deps import ActorDep, NowDep, ReadSessionDep
from web.openapi import MESS, ROLE, SLOT, E, errors

router = api_router(tags=["kitchen"])


@router.get("/kitchen/plan", response_model=KitchenPlan, responses=errors(ROLE, MESS, SLOT, E.DATE_OUT_OF_RANGE))
async def kitchen_plan(
    session: ReadSessionDep,
    actor: ActorDep,
    now: NowDep,
    date: Day | None = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
) -> KitchenPlan:
    """Staff, wardens and admins (with mess_id): per dish, expected plates and their upper bound, and the
    quantity to cook; waste per plate against the mess's target. Default: the current or next meal. A date more
    than 366 days ahead or 400 days back is 422 date_out_of_range."""
    return await service.kitchen_plan(session, actor, date, slot, mess_id, now)
