"""Counter check-ins: POST one attempt (roll number or QR token), list the recent attempts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from mess.checkins import service
from mess.checkins.schemas import CheckInIn, CheckInOut, CheckInRecord
from web.api import api_router
from web.api.params import Day, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.openapi import MESS, ROLE, SLOT, E, errors

router = api_router(tags=["checkins"])


@router.post("/checkins", response_model=CheckInOut, responses=errors(ROLE, MESS, SLOT, E.INVALID_TOKEN))
async def check_in(
    body: CheckInIn, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> CheckInOut:
    """Record one attempt at the counter. 200 for every result (see `result` and `accepted`)."""
    return await service.check_in(session, actor, body, now, settings.secret_key.get_secret_value())


@router.get("/checkins", response_model=list[CheckInRecord], responses=errors(ROLE, MESS, SLOT))
async def list_checkins(
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    date: Day | None = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32, pattern=r"^[^\x00]+$")] = None,
    mess_id: IdQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[CheckInRecord]:
    return await service.list_checkins(session, actor, date, slot, mess_id, limit, offset, now)
