from __future__ import annotations

from typing import Annotated

from fastapi import Body, Path, Query

from mess.bookings import service
from mess.bookings.schemas import BookingIn, EffectiveBooking
from web.api import api_router
from web.api.params import Day, IdQuery
from web.deps import ActorDep, BookingChangeSessionDep, NowDep, SessionDep
from web.openapi import RANGE, SLOT, TARGET, E, errors

router = api_router(tags=["bookings"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32)]
BOOKING = (*TARGET, E.NOT_FOUND, *SLOT, E.INVALID_INPUT, E.TOO_MANY_GUESTS, E.NOT_RESIDENT, E.ON_LEAVE, E.CUTOFF_PASSED)


@router.get("/bookings", response_model=list[EffectiveBooking], responses=errors(RANGE, TARGET, E.NOT_FOUND))
async def list_bookings(
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    from_: Annotated[Day, Query(alias="from")],
    to: Day,
    resident_id: IdQuery = None,
) -> list[EffectiveBooking]:
    return await service.list_bookings(session, actor, from_, to, resident_id, now)


@router.put("/bookings/{date}/{slot}", response_model=EffectiveBooking, responses=errors(BOOKING))
async def book(
    date: Day,
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
        takeaway=body.takeaway,
        resident_id=body.resident_id,
        reason=body.reason,
        now=now,
    )


@router.delete("/bookings/{date}/{slot}", response_model=EffectiveBooking, responses=errors(BOOKING))
async def cancel(
    date: Day,
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
