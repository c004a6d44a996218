"""All booking SQL. The effective-booking rule (PRODUCT.md section 2) lives in one set-based query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    false,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter

from mess.db.days import bound_day_table, bound_days, day_table
from mess.models import Booking, Leave, Mess, Resident, Slot


def approved_leave_days(
    mess_id: int | BindParameter[int], start: date, end: date, ids: tuple[Any, Any] | None = None
) -> Any:
    """(resident_id, meal_date) once per day of start..end that an approved leave of a resident of the mess
    (with first <= id <= last, given ids) covers; overlapping leaves give the day once."""
    day = day_table(start, end, "calendar", "meal_date")
    query = (
        select(Leave.resident_id.label("resident_id"), day.c.meal_date.label("meal_date"))
        .select_from(Leave)
        .join(Resident, and_(Resident.id == Leave.resident_id, Resident.mess_id == mess_id))
        .join(day, and_(Leave.start_date <= day.c.meal_date, Leave.end_date >= day.c.meal_date))
        .where(Leave.status == "approved", Leave.start_date <= end, Leave.end_date >= start)
        .distinct()
    )
    if ids is not None:
        query = query.where(Leave.resident_id >= ids[0], Leave.resident_id <= ids[1])
    return query.subquery("leave_day")


def effective_bookings(
    mess_id: int | BindParameter[int],
    default_booked: bool,
    start: date,
    end: date,
    *,
    resident_id: int | BindParameter[int] | None = None,
    slot_id: int | None = None,
    only_resident_days: bool = True,
    id_range: tuple[int, int] | None = None,
    as_sets: bool = False,
    with_takeaway: bool = False,
    days: Any = None,
) -> Select[Any]:
    """One row per (resident, date, slot): booked, guests and why (source), applying in order:
    not resident -> leave (approved) -> explicit choice -> the mess's default.

    id_range (first, last): only the residents with first <= id <= last (a batch of a run over the whole mess).
    as_sets: for many residents over many days (billing a month). The approved leaves are expanded to their days
    once and joined, instead of probed row by row (an EXISTS inside the CASE runs once per resident-day-slot,
    twice with the guests), and only the bookings of the dates (and id_range) are read. Same rule, same rows; the
    probe (default) stays the better plan for one resident or one meal.
    with_takeaway: a takeaway column too (a booked explicit choice's parcel flag); off for the set-wide readers.
    days: the days as a derived table with a meal_date column, instead of start..end's (resident_days_statement)."""
    day = days if days is not None else day_table(start, end, "calendar", "meal_date")
    meal_date = day.c.meal_date
    is_resident = and_(
        Resident.active_from <= meal_date,
        (Resident.active_to.is_(None)) | (Resident.active_to >= meal_date),
    )
    ids = (resident_id, resident_id) if resident_id is not None else id_range
    leave_day = approved_leave_days(mess_id, start, end, ids) if as_sets else None
    on_leave = (
        leave_day.c.resident_id.is_not(None)
        if leave_day is not None
        else exists().where(
            Leave.resident_id == Resident.id,
            Leave.status == "approved",
            Leave.start_date <= meal_date,
            Leave.end_date >= meal_date,
        )
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
    takeaway = case((and_(is_resident, ~on_leave, Booking.status == "booked"), Booking.takeaway), else_=false())
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
            *((takeaway.label("takeaway"),) if with_takeaway else ()),
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
                *((Booking.meal_date >= start, Booking.meal_date <= end) if as_sets else ()),
                *((Booking.resident_id >= ids[0], Booking.resident_id <= ids[1]) if as_sets and ids else ()),
            ),
        )
        .where(Resident.mess_id == mess_id)
    )
    if leave_day is not None:
        query = query.outerjoin(
            leave_day, and_(leave_day.c.resident_id == Resident.id, leave_day.c.meal_date == meal_date)
        )
    if resident_id is not None:
        query = query.where(Resident.id == resident_id)
    if id_range is not None:
        query = query.where(Resident.id >= id_range[0], Resident.id <= id_range[1])
    if slot_id is not None:
        query = query.where(Slot.id == slot_id)
    if only_resident_days:
        query = query.where(is_resident)
    return query.order_by(meal_date, Slot.serve_start, Slot.position, Resident.id)


async def fetch_effective(session: AsyncSession, query: Select[Any]) -> list[Any]:
    return list((await session.execute(query)).all())


@lru_cache(maxsize=32)
def resident_days_statement(default_booked: bool, count: int) -> Select[Any]:
    """effective_bookings of one resident over `count` consecutive days (every slot, not-resident days included,
    with takeaway), built once per shape with bind parameters: mess_id, resident_id and meal_date_0.. (see
    mess.db.days.bound_days). Building and hashing the statement cost more Python than PostgreSQL takes to run it."""
    return effective_bookings(
        bindparam("mess_id", type_=Integer),
        default_booked,
        date.min,
        date.min,
        resident_id=bindparam("resident_id", type_=Integer),
        only_resident_days=False,
        with_takeaway=True,
        days=bound_day_table(count, "calendar", "meal_date"),
    )


async def resident_days(
    session: AsyncSession, mess_id: int, default_booked: bool, resident_id: int, start: date, end: date
) -> list[Any]:
    """Rows of resident_days_statement for start..end, on the session's connection (columns only)."""
    statement = resident_days_statement(default_booked, (end - start).days + 1)
    params = {"mess_id": mess_id, "resident_id": resident_id, **bound_days(start, end, "meal_date")}
    connection = await session.connection()
    return list((await connection.execute(statement, params)).all())


UPSERT_COLUMNS = (
    "mess_id",
    "resident_id",
    "meal_date",
    "slot_id",
    "status",
    "guests",
    "takeaway",
    "updated_at",
    "updated_by",
)


@lru_cache(maxsize=4)
def _upsert_statement(dialect: str) -> Any:
    """INSERT .. ON CONFLICT DO UPDATE, built once per dialect and executed with the values as parameters
    (building it per call, with its `excluded` alias, was a large share of a booking's CPU)."""
    table = cast(Table, Booking.__table__)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in UPSERT_COLUMNS})
    return replacing_the_choice(statement)


def replacing_the_choice(statement: Any) -> Any:
    """ON CONFLICT of a resident's meal: the new choice replaces the stored one."""
    return statement.on_conflict_do_update(
        index_elements=["resident_id", "meal_date", "slot_id"],
        set_={name: statement.excluded[name] for name in ("status", "guests", "takeaway", "updated_at", "updated_by")},
    )


async def upsert(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int,
    meal_date: date,
    slot_id: int,
    status: str,
    guests: int,
    takeaway: bool,
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
        "takeaway": takeaway,
        "updated_at": now,
        "updated_by": actor_id,
    }
    await session.execute(_upsert_statement(session.get_bind().dialect.name), values)


@dataclass(frozen=True, slots=True)
class BookingContext:
    resident: Resident | None
    mess: Mess | None
    slot: Slot | None
    on_leave: bool


def leave_covers_resident(day: Any) -> Any:
    """EXISTS an approved leave of the statement's resident covering the day."""
    return exists().where(
        Leave.resident_id == Resident.id,
        Leave.status == "approved",
        Leave.start_date <= day,
        Leave.end_date >= day,
    )


@lru_cache(maxsize=1)
def _context_statement() -> Any:
    """The one-round-trip read of a booking change, built once; executed with resident_id, slot_code and day."""
    covered = leave_covers_resident(bindparam("day", type_=Date)).label("on_leave")
    return (
        select(Resident, Mess, Slot, covered)
        .join(Mess, Mess.id == Resident.mess_id)
        .outerjoin(Slot, and_(Slot.mess_id == Resident.mess_id, Slot.code == bindparam("slot_code", type_=String)))
        .where(Resident.id == bindparam("resident_id", type_=Integer))
    )


async def booking_context(session: AsyncSession, resident_id: int, slot_code: str, day: date) -> BookingContext:
    """Everything a booking change checks, in ONE round trip: the resident, their mess, the slot by code, and
    whether an approved leave covers the day (the booking rush is bounded by round trips, not by rules)."""
    params = {"resident_id": resident_id, "slot_code": slot_code, "day": day}
    row = (await session.execute(_context_statement(), params)).first()
    if row is None:
        return BookingContext(None, None, None, False)
    return BookingContext(row[0], row[1], row[2], bool(row[3]))
