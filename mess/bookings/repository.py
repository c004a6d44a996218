"""All booking SQL. The effective-booking rule (PRODUCT.md section 2) lives in one set-based query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, case, exists, false, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from mess.kit.dates import each_day
from mess.models import Booking, Leave, Mess, Resident, Slot


def calendar(start: date, end: date):
    """The days start..end as a derived table (portable across SQLite and PostgreSQL)."""
    days = [select(literal(day, Date).label("meal_date")) for day in each_day(start, end)]
    return (days[0] if len(days) == 1 else union_all(*days)).subquery("calendar")


def effective_bookings(
    mess_id: int,
    default_booked: bool,
    start: date,
    end: date,
    *,
    resident_id: int | None = None,
    slot_id: int | None = None,
    only_resident_days: bool = True,
) -> Select[Any]:
    """One row per (resident, date, slot): booked, guests and why (source), applying in order:
    not resident -> leave (approved) -> explicit choice -> the mess's default."""
    day = calendar(start, end)
    meal_date = day.c.meal_date
    is_resident = and_(
        Resident.active_from <= meal_date,
        (Resident.active_to.is_(None)) | (Resident.active_to >= meal_date),
    )
    on_leave = exists().where(
        Leave.resident_id == Resident.id,
        Leave.status == "approved",
        Leave.start_date <= meal_date,
        Leave.end_date >= meal_date,
    )
    booked = case(
        (~is_resident, false()),
        (on_leave, false()),
        (Booking.id.is_not(None), Booking.status == "booked"),
        else_=true() if default_booked else false(),
    )
    source = case(
        (~is_resident, literal("not_resident")),
        (on_leave, literal("leave")),
        (Booking.id.is_not(None), literal("explicit")),
        else_=literal("default"),
    )
    guests = case((and_(is_resident, ~on_leave, Booking.status == "booked"), Booking.guests), else_=0)
    query = (
        select(
            Resident.id.label("resident_id"),
            Resident.diet.label("diet"),
            meal_date.label("meal_date"),
            Slot.id.label("slot_id"),
            Slot.code.label("slot"),
            booked.label("booked"),
            guests.label("guests"),
            source.label("source"),
        )
        .select_from(Resident)
        .join(day, true())
        .join(Slot, Slot.mess_id == Resident.mess_id)
        .outerjoin(
            Booking,
            and_(
                Booking.resident_id == Resident.id,
                Booking.meal_date == meal_date,
                Booking.slot_id == Slot.id,
            ),
        )
        .where(Resident.mess_id == mess_id)
    )
    if resident_id is not None:
        query = query.where(Resident.id == resident_id)
    if slot_id is not None:
        query = query.where(Slot.id == slot_id)
    if only_resident_days:
        query = query.where(is_resident)
    return query.order_by(meal_date, Slot.serve_start, Slot.position, Resident.id)


async def fetch_effective(session: AsyncSession, query: Select[Any]) -> list[Any]:
    return list((await session.execute(query)).all())


async def upsert(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int,
    meal_date: date,
    slot_id: int,
    status: str,
    guests: int,
    now: datetime,
    actor_id: int,
) -> None:
    """Insert or replace the explicit choice in one statement (idempotent, safe under concurrency)."""
    values = {
        "mess_id": mess_id,
        "resident_id": resident_id,
        "meal_date": meal_date,
        "slot_id": slot_id,
        "status": status,
        "guests": guests,
        "updated_at": now,
        "updated_by": actor_id,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Booking).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["resident_id", "meal_date", "slot_id"],
        set_={key: statement.excluded[key] for key in ("status", "guests", "updated_at", "updated_by")},
    )
    await session.execute(statement)


@dataclass(frozen=True, slots=True)
class BookingContext:
    resident: Resident | None
    mess: Mess | None
    slot: Slot | None
    on_leave: bool


async def booking_context(session: AsyncSession, resident_id: int, slot_code: str, day: date) -> BookingContext:
    """Everything a booking change checks, in ONE round trip: the resident, their mess, the slot by code, and
    whether an approved leave covers the day (the booking rush is bounded by round trips, not by rules)."""
    covered = (
        exists()
        .where(
            Leave.resident_id == Resident.id,
            Leave.status == "approved",
            Leave.start_date <= day,
            Leave.end_date >= day,
        )
        .label("on_leave")
    )
    query = (
        select(Resident, Mess, Slot, covered)
        .join(Mess, Mess.id == Resident.mess_id)
        .outerjoin(Slot, and_(Slot.mess_id == Resident.mess_id, Slot.code == slot_code))
        .where(Resident.id == resident_id)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return BookingContext(None, None, None, False)
    return BookingContext(row[0], row[1], row[2], bool(row[3]))
