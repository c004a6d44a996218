"""Meal ratings: 1..5 and a comment, one per resident and meal, for meals that have been served."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.auth.actor import Actor
from mess.bookings.service import is_resident_on
from mess.errors import Conflict, ErrorCode, InvalidInput
from mess.feedback import repository
from mess.feedback.schemas import FeedbackIn, FeedbackOut
from mess.kit.dates import local_instant
from mess.messes.service import load_mess, load_slot
from mess.models import Feedback
from mess.residents.service import listing_scope, target_resident
from mess.text import REVERSED_RANGE

MAX_RANGE_DAYS = 366


def _out(row: Feedback, slot_code: str) -> FeedbackOut:
    return FeedbackOut(
        id=row.id,
        mess_id=row.mess_id,
        resident_id=row.resident_id,
        date=row.meal_date,
        slot=slot_code,
        slot_id=row.slot_id,
        rating=row.rating,
        comment=row.comment,
        created_at=row.created_at,
    )


async def rate_meal(session: AsyncSession, actor: Actor, data: FeedbackIn, now: datetime) -> FeedbackOut:
    """A resident rates a meal of their residency once serving has begun; rating again replaces the rating."""
    actor.require("resident")
    resident = await target_resident(session, actor, None)
    mess = await load_mess(session, resident.mess_id)
    slot = await load_slot(session, mess.id, data.slot)
    if not is_resident_on(resident, data.date):
        raise Conflict(
            f"You are not a resident on {text.day(data.date, text.today_at(now, mess.timezone))}",
            ErrorCode.NOT_RESIDENT,
        )
    serving_starts = local_instant(data.date, slot.serve_start, mess.timezone)
    if now < serving_starts:
        raise Conflict(
            f"{slot.name} on {text.day(data.date, text.today_at(now, mess.timezone))} is not served yet; rate it from "
            f"{text.moment(serving_starts, mess.timezone, text.today_at(now, mess.timezone))}",
            ErrorCode.MEAL_NOT_SERVED,
        )
    row = await repository.upsert(
        session,
        mess_id=mess.id,
        resident_id=resident.id,
        meal_date=data.date,
        slot_id=slot.id,
        rating=data.rating,
        comment=data.comment.strip(),
        now=now,
    )
    return _out(row, slot.code)


async def list_feedback(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    slot_code: str | None,
    resident_id: int | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[FeedbackOut]:
    """A resident sees their own ratings; a warden those of the mess (optionally of one resident)."""
    if end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")
    actor.require("resident", "warden", "admin")
    target, resident_id = await listing_scope(session, actor, resident_id, mess_id)
    slot_id = (await load_slot(session, target, slot_code)).id if slot_code else None
    rows = await repository.search(
        session,
        mess_id=target,
        resident_id=resident_id,
        start=start,
        end=end,
        slot_id=slot_id,
        limit=limit,
        offset=offset,
    )
    return [_out(row, code) for row, code in rows]
