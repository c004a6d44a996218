"""Booking and cancelling meals: cutoffs, guests, residency, leave, and audited staff overrides."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess import metrics
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.bookings import repository
from mess.bookings.schemas import EffectiveBooking
from mess.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mess.kit.dates import cutoff_instant
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, slot_cutoff_minutes
from mess.models import Mess, Resident, Slot
from mess.residents.service import check_visible, requested_resident_id, target_resident

MAX_RANGE_DAYS = 62

# Each server process remembers the terms of the slots its residents book (a few per mess), so that a resident's
# booking in the rush is one guarded statement instead of a read and then a write. Never trusted:
# repository.guarded_upsert writes only if the terms are still the database's, and any doubt takes the full path.
_known_terms: dict[tuple[int, str], repository.SlotTerms] = {}
MAX_KNOWN_TERMS = 1024


def cutoff_at(mess: Mess, slot: Slot, day: date) -> datetime:
    return cutoff_instant(day, slot.serve_start, slot_cutoff_minutes(mess, slot), mess.timezone)


def is_resident_on(resident: Resident, day: date) -> bool:
    return resident.active_from <= day and (resident.active_to is None or day <= resident.active_to)


async def list_bookings(
    session: AsyncSession,
    actor: Actor,
    start: date,
    end: date,
    resident_id: int | None,
    now: datetime,
) -> list[EffectiveBooking]:
    if end < start:
        raise InvalidInput("'to' must not be before 'from'")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")
    resident = await target_resident(session, actor, resident_id)
    mess = await load_mess(session, resident.mess_id)
    slots = {slot.id: slot for slot in await list_slots(session, mess.id)}
    if not slots:
        return []
    query = repository.effective_bookings(
        mess.id, mess.booking_mode == "opt_out", start, end, resident_id=resident.id, only_resident_days=False
    )
    out = []
    for row in await repository.fetch_effective(session, query):
        slot = slots[row.slot_id]
        closes = cutoff_at(mess, slot, row.meal_date)
        out.append(
            EffectiveBooking(
                resident_id=row.resident_id,
                date=row.meal_date,
                slot=row.slot,
                slot_id=row.slot_id,
                booked=bool(row.booked),
                guests=int(row.guests or 0),
                source=row.source,
                cutoff_at=closes,
                open=now < closes and row.source in ("explicit", "default"),
            )
        )
    return out


def _stored(
    mess_code: str,
    slot_code: str,
    slot_id: int,
    resident_id: int,
    day: date,
    booked: bool,
    guests: int,
    closes: datetime,
    now: datetime,
) -> EffectiveBooking:
    """A stored change, counted, as the caller sees it: the resident's explicit choice for the meal."""
    metrics.BOOKINGS.labels(mess_code, slot_code, "book" if booked else "cancel").inc()
    return EffectiveBooking(
        resident_id=resident_id,
        date=day,
        slot=slot_code,
        slot_id=slot_id,
        booked=booked,
        guests=guests,
        source="explicit",
        cutoff_at=closes,
        open=now < closes,
    )


def _remember(mess: Mess, slot: Slot) -> None:
    if len(_known_terms) >= MAX_KNOWN_TERMS:
        _known_terms.clear()
    _known_terms[(mess.id, slot.code)] = repository.SlotTerms(
        mess_id=mess.id,
        mess_code=mess.code,
        timezone=mess.timezone,
        max_guests=mess.max_guests,
        slot_id=slot.id,
        slot_code=slot.code,
        serve_start=slot.serve_start,
        cutoff_minutes=slot_cutoff_minutes(mess, slot),
    )


async def _set_own_booking_on_known_terms(
    session: AsyncSession, actor: Actor, day: date, slot_code: str, *, booked: bool, guests: int, now: datetime
) -> EffectiveBooking | None:
    """A resident's own change in one statement, when this process knows the slot's terms and they allow it; None
    (nothing written) when it cannot tell: unknown terms, a refusal to explain, or terms changed since."""
    terms = _known_terms.get((actor.mess_id, slot_code)) if actor.mess_id is not None else None
    if terms is None or guests < 0 or (booked and guests > terms.max_guests):
        return None
    closes = cutoff_instant(day, terms.serve_start, terms.cutoff_minutes, terms.timezone)
    if now >= closes:
        return None
    guests = guests if booked else 0
    resident_id = actor.own_resident_id()
    stored = await repository.guarded_upsert(
        session,
        terms,
        resident_id=resident_id,
        meal_date=day,
        booked=booked,
        guests=guests,
        now=now,
        actor_id=actor.user_id,
    )
    if not stored:
        return None
    return _stored(terms.mess_code, terms.slot_code, terms.slot_id, resident_id, day, booked, guests, closes, now)


async def set_booking(
    session: AsyncSession,
    actor: Actor,
    day: date,
    slot_code: str,
    *,
    booked: bool,
    guests: int,
    resident_id: int | None,
    reason: str,
    now: datetime,
) -> EffectiveBooking:
    """Book (with guests) or cancel one meal. Idempotent: the same call twice leaves the same row.
    A resident's own change writes exactly one statement (web/api/bookings.py runs it without a transaction);
    a staff change writes its audit row too and needs the caller's transaction."""
    wanted = requested_resident_id(actor, resident_id)
    if actor.is_resident:
        done = await _set_own_booking_on_known_terms(
            session, actor, day, slot_code, booked=booked, guests=guests, now=now
        )
        if done is not None:
            return done
    context = await repository.booking_context(session, wanted, slot_code, day)
    resident = check_visible(actor, wanted, context.resident)
    mess, slot = context.mess, context.slot
    if mess is None:  # a visible resident always has a mess; say so rather than crash on None
        raise NotFound("this resident's mess is gone")
    if slot is None:
        raise NotFound(f"this mess has no slot {slot_code!r}", ErrorCode.UNKNOWN_SLOT)
    _remember(mess, slot)
    if guests < 0:
        raise InvalidInput("guests cannot be negative")
    if booked and guests > mess.max_guests:
        raise InvalidInput(f"at most {mess.max_guests} guests per meal", ErrorCode.TOO_MANY_GUESTS)
    if not booked:
        guests = 0
    if not is_resident_on(resident, day):
        raise Conflict(f"{resident.roll_no} is not a resident on {day.isoformat()}", ErrorCode.NOT_RESIDENT)
    if booked and context.on_leave:
        raise Conflict(f"{day.isoformat()} is covered by an approved leave", ErrorCode.ON_LEAVE)
    closes = cutoff_at(mess, slot, day)
    if now >= closes and actor.is_resident:
        metrics.CUTOFF_REFUSALS.labels(mess.code, slot.code).inc()
        raise Conflict(
            f"booking for {slot.name} on {day.isoformat()} closed at {closes.isoformat()}",
            ErrorCode.CUTOFF_PASSED,
        )
    if not actor.is_resident:
        await audit(
            session,
            actor=actor,
            mess_id=mess.id,
            action="booking.book" if booked else "booking.cancel",
            entity="resident",
            entity_id=resident.id,
            now=now,
            reason=reason or "changed by staff on behalf of the resident",
            detail={"date": day, "slot": slot.code, "guests": guests, "after_cutoff": now >= closes},
        )
    await repository.upsert(
        session,
        mess_id=mess.id,
        resident_id=resident.id,
        meal_date=day,
        slot_id=slot.id,
        status="booked" if booked else "cancelled",
        guests=guests,
        now=now,
        actor_id=actor.user_id,
    )
    return _stored(mess.code, slot.code, slot.id, resident.id, day, booked, guests, closes, now)
