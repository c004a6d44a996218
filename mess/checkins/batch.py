"""Check-ins queued by a counter while the network was down, settled in one request by the same rules.

Each entry goes through service.check_in at the time it was scanned (never later than now): the token's expiry
and the serving window are judged then; the unique admission index decides duplicates, so the first admission
wins whichever counter or batch it came from, and a replayed entry is a `duplicate`. Every refusal of one entry
(unknown slot, expired or forged code) is that entry's result; check_in raises only before it writes, so the
entries already settled stay in the request's transaction."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.auth.qr import public_key
from mess.checkins import repository, service
from mess.checkins.schemas import BatchEntryOut, BatchIn, BatchOut, CheckInIn, MealRosterOut, RosterEntry
from mess.errors import ErrorCode, MessError, TooLarge
from mess.messes.service import load_mess
from mess.models import Resident


async def settle(session: AsyncSession, actor: Actor, data: BatchIn, now: datetime, secret: str) -> BatchOut:
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(data.mess_id))
    roster = (await session.execute(select(func.count()).where(Resident.mess_id == mess.id))).scalar_one()
    if len(data.entries) > 2 * max(int(roster), 1):
        raise TooLarge(
            f"{len(data.entries)} check-ins is more than twice the {roster} residents of the mess", ErrorCode.TOO_LARGE
        )
    results = []
    for entry in data.entries:
        at = min(entry.at, now)
        attempt = CheckInIn(
            roll_no=entry.roll_no, token=entry.token, date=entry.date, slot=entry.slot, mess_id=data.mess_id
        )
        try:
            out = await service.check_in(session, actor, attempt, at, secret)
            # Written; forgetting the loaded rows keeps every later flush from re-checking a growing session.
            await session.flush()
            session.expunge_all()
        except MessError as exc:
            results.append(
                BatchEntryOut(client_id=entry.client_id, result="refused", code=exc.code, message=exc.message)
            )
            continue
        results.append(
            BatchEntryOut(
                client_id=entry.client_id,
                result=out.result,
                accepted=out.accepted,
                message=out.message,
                checkin=out,
            )
        )
    return BatchOut(settled=len(results), admitted=sum(r.accepted for r in results), results=results)


async def meal_roster(
    session: AsyncSession,
    actor: Actor,
    day: date | None,
    slot_code: str | None,
    mess_id: int | None,
    now: datetime,
    secret: str,
) -> MealRosterOut:
    """The meal's residents (roll number, name, diet, booked / not booked / on leave) and the QR key."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    meal = await service.resolve_meal(session, mess, day, slot_code, now)
    rows = await repository.meal_roster(session, mess.id, mess.booking_mode == "opt_out", meal.day, meal.slot.id)
    residents = [
        RosterEntry(
            id=row.id,
            roll_no=row.roll_no,
            name=row.name,
            diet=row.diet,
            state="on_leave" if row.source == "leave" else ("booked" if row.booked else "not_booked"),
        )
        for row in rows
    ]
    return MealRosterOut(
        date=meal.day,
        slot=meal.slot.code,
        slot_name=meal.slot.name,
        opens_at=meal.opens_at,
        closes_at=meal.closes_at,
        walk_in_allowed=mess.allow_walk_in,
        public_key=public_key(secret),
        residents=residents,
    )
