from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.bookings import service
from mess.bookings.schemas import BookingIn, EffectiveBooking
from mess.db.engine import Database
from web.api import API_PREFIX
from web.api.params import IdQuery
from web.deps import ActorDep, NowDep, SessionDep, get_actor, get_database

router = APIRouter(prefix=API_PREFIX, tags=["bookings"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32)]


async def get_change_session(
    database: Annotated[Database, Depends(get_database)], actor: Annotated[Actor, Depends(get_actor)]
) -> AsyncIterator[AsyncSession]:
    """The unit of work of a booking change. A resident's own change writes ONE statement (the upsert), atomic by
    itself: no BEGIN/COMMIT round trips in the booking rush. A staff change also writes its audit row: both in one
    transaction. Either way the write is stored before the response is sent."""
    unit = database.single_statement() if actor.is_resident else database.transaction()
    async with unit as session:
        yield session


ChangeSessionDep = Annotated[AsyncSession, Depends(get_change_session, scope="function")]


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
    session: ChangeSessionDep,
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
    session: ChangeSessionDep,
    actor: ActorDep,
    now: NowDep,
    resident_id: IdQuery = None,
    reason: str = Query("", max_length=500),
) -> EffectiveBooking:
    return await service.set_booking(
        session, actor, date, slot, booked=False, guests=0, resident_id=resident_id, reason=reason, now=now
    )
