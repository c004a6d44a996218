from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from mess.bookings import service
from mess.bookings.schemas import BookingIn, EffectiveBooking
from web.api import API_PREFIX
from web.api.params import IdQuery
from web.deps import ActorDep, BookingChangeSessionDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["bookings"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32)]


@router.get("/bookings", response_model=list[EffectiveBooking])
async def list_bookings(
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    from_: Annotated[dt.date, Query(alias="from")],
    to: dt.date,
    resident_id: IdQuery = None,
) -> list[EffectiveBooking]:
    return await service.list_bookings(session, actor, from_, to, resident_id, now)


@router.put("/bookings/{date}/{slot}", response_model=EffectiveBooking)
async def book(
    date: dt.date,
    slot: SlotCode,
    session: BookingChangeSessionDep,
    actor: ActorDep,
    now: NowDep,
    body: Annotated[BookingIn | None, Body()] = None,
) -> EffectiveBooking:
    body = body or BookingIn()
    return await service.set_booking(
        session,
        actor,
        date,
        slot,
        booked=True,
        guests=body.guests,
        resident_id=body.resident_id,
        reason=body.reason,
        now=now,
    )


@router.delete("/bookings/{date}/{slot}", response_model=EffectiveBooking)
async def cancel(
    date: dt.date,
    slot: SlotCode,
    session: BookingChangeSessionDep,
    actor: ActorDep,
    now: NowDep,
    resident_id: IdQuery = None,
    reason: str = Query("", max_length=500),
) -> EffectiveBooking:
    return await service.set_booking(
        session, actor, date, slot, booked=False, guests=0, resident_id=resident_id, reason=reason, now=now
    )
