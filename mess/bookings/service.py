"""Booking and cancelling meals: cutoffs, guests, residency, leave, and audited staff overrides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess import metrics, text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.bookings import fast_path, repository
from mess.bookings.fast_path import SlotTerms
from mess.bookings.schemas import EffectiveBooking
from mess.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mess.messes.repository import list_slots
from mess.messes.schemas import SlotOut
from mess.messes.service import load_mess
from mess.models import Mess, Resident, Slot
from mess.residents.service import check_visible, requested_resident_id, target_resident
from mess.text import REVERSED_RANGE

MAX_RANGE_DAYS = 62


def cutoff_at(mess: Mess, slot: Slot, day: date) -> datetime:
    return SlotTerms.of(mess, slot).closes(day)


def writes_one_statement(actor: Actor) -> bool:
    """A resident's own change writes one statement (the upsert), atomic by itself: its caller may run it without
    a transaction. A staff change writes its audit row too: both in the caller's transaction."""
    return actor.is_resident


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
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")
    resident = await target_resident(session, actor, resident_id)
    mess = await load_mess(session, resident.mess_id)
    return await resident_bookings(session, mess, await list_slots(session, mess.id), resident.id, start, end, now)


async def resident_bookings(
    session: AsyncSession,
    mess: Mess,
    slots: Sequence[Slot | SlotOut],
    resident_id: int,
    start: date,
    end: date,
    now: datetime,
) -> list[EffectiveBooking]:
    """One resident's effective bookings of start..end for the given slots (of the mess), the mess, its slots and
    the resident already loaded and checked by the caller (list_bookings; the week page, which has them)."""
    terms = {slot.id: SlotTerms.of(mess, slot) for slot in slots}
    if not terms:
        return []
    rows = await repository.resident_days(session, mess.id, mess.booking_mode == "opt_out", resident_id, start, end)
    out = []
    for row in rows:
        slot_terms = terms.get(row.slot_id)
        if slot_terms is None:  # a slot the caller did not ask for
            continue
        closes = slot_terms.closes(row.meal_date)
        out.append(
            EffectiveBooking(
                resident_id=row.resident_id,
                date=row.meal_date,
                slot=row.slot,
                slot_id=row.slot_id,
                booked=bool(row.booked),
                guests=int(row.guests or 0),
                takeaway=bool(row.takeaway),
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
    takeaway: bool,
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
        takeaway=takeaway,
        source="explicit",
        cutoff_at=closes,
        open=now < closes,
    )


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
    takeaway: bool = False,
) -> EffectiveBooking:
    """Book (with guests) or cancel one meal. Idempotent: the same call twice leaves the same row.
    A resident's change on terms this process remembers is one guarded statement (fast_path); otherwise the full
    path reads the context, judges, and remembers the terms. Either way see writes_one_statement."""
    wanted = requested_resident_id(actor, resident_id)
    takeaway = takeaway and booked  # a cancelled meal is no parcel
    known = fast_path.known_terms(actor, slot_code)
    if known is not None:
        closes = await fast_path.set_own_booking(
            session,
            known,
            resident_id=wanted,
            day=day,
            booked=booked,
            guests=guests,
            takeaway=takeaway,
            now=now,
            actor_id=actor.user_id,
        )
        if closes is not None:
            guests = guests if booked else 0
            code, slot_id = known.slot_code, known.slot_id
            return _stored(known.mess_code, code, slot_id, wanted, day, booked, guests, takeaway, closes, now)
    context = await repository.booking_context(session, wanted, slot_code, day)
    resident = check_visible(actor, wanted, context.resident)
    mess, slot = context.mess, context.slot
    if mess is None:  # a visible resident always has a mess; say so rather than crash on None
        raise NotFound("this resident's mess is gone")
    if slot is None:
        raise NotFound(f"this mess has no slot {slot_code!r}", ErrorCode.UNKNOWN_SLOT)
    terms = SlotTerms.of(mess, slot)
    fast_path.remember(terms)
    if guests < 0:
        raise InvalidInput("guests cannot be negative")
    if booked and guests > terms.max_guests:
        raise InvalidInput(f"at most {terms.max_guests} guests per meal", ErrorCode.TOO_MANY_GUESTS)
    if not booked:
        guests = 0
    if not is_resident_on(resident, day):
        today = text.today_at(now, mess.timezone)
        raise Conflict(f"{resident.name} is not a resident on {text.day(day, today)}", ErrorCode.NOT_RESIDENT)
    if booked and context.on_leave:
        today = text.today_at(now, mess.timezone)
        raise Conflict(f"{resident.name} is on approved leave on {text.day(day, today)}", ErrorCode.ON_LEAVE)
    closes = terms.closes(day)
    if now >= closes and actor.is_resident:
        today = text.today_at(now, mess.timezone)
        metrics.CUTOFF_REFUSALS.labels(mess.code, slot.code).inc()
        raise Conflict(
            f"Booking for {slot.name} on {text.day(day, today)} closed at {text.moment(closes, mess.timezone, today)}",
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
            detail={
                "date": day,
                "slot": slot.code,
                "guests": guests,
                "takeaway": takeaway,
                "after_cutoff": now >= closes,
            },
        )
    await repository.upsert(
        session,
        mess_id=mess.id,
        resident_id=resident.id,
        meal_date=day,
        slot_id=slot.id,
        status="booked" if booked else "cancelled",
        guests=guests,
        takeaway=takeaway,
        now=now,
        actor_id=actor.user_id,
    )
    return _stored(mess.code, slot.code, slot.id, resident.id, day, booked, guests, takeaway, closes, now)
