"""The offline counter: the public key that verifies QR codes, and the check-ins queued during an outage."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from mess.auth.qr import public_key
from mess.checkins import batch
from mess.checkins.schemas import BatchIn, BatchOut, CounterKeyOut, MealRosterOut
from web.api import api_router
from web.api.params import Day, IdQuery
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.openapi import MESS, ROLE, SLOT, E, errors

router = api_router(tags=["checkins"])


@router.get("/checkins/key", response_model=CounterKeyOut, responses=errors(ROLE))
async def counter_key(actor: ActorDep, settings: SettingsDep) -> CounterKeyOut:
    """Staff, wardens and admins: the key a counter keeps to verify residents' QR codes without the network."""
    actor.require("staff", "warden", "admin")
    return CounterKeyOut(public_key=public_key(settings.secret_key.get_secret_value()))


@router.post(
    "/checkins/batch",
    response_model=BatchOut,
    # 413 too_large: more entries than twice the mess's residents; invalid_token and scan_time_out_of_range are
    # per-entry codes of refused entries (the answer is 200)
    responses=errors(ROLE, MESS, SLOT, E.TOO_LARGE, E.INVALID_TOKEN, E.SCAN_TIME_OUT_OF_RANGE),
)
async def check_in_batch(
    body: BatchIn, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> BatchOut:
    """Settle queued check-ins in order by the rules of POST /checkins; one result per entry, 200 for all."""
    secret = settings.secret_key.get_secret_value()
    return await batch.settle(session, actor, body, now, secret, settings.qr_token_seconds)


@router.get("/checkins/roster", response_model=MealRosterOut, responses=errors(ROLE, MESS, SLOT))
async def meal_roster(
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
    date: Day | None = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    mess_id: IdQuery = None,
) -> MealRosterOut:
    """The meal's roster and the QR key, for a counter to keep working offline (default: current or next meal)."""
    return await batch.meal_roster(session, actor, date, slot, mess_id, now, settings.secret_key.get_secret_value())
