"""All headcount SQL: one set-based aggregate per meal, never a row per resident in Python."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Booking, CheckIn, HeadcountSnapshot, Leave, Resident


def meal_aggregate(mess_id: int, default_booked: bool, day: date, slot_id: int) -> Any:
    """Per diet: residents that day, booked, guests, on approved leave -- the effective-booking rule of
    mess.bookings.repository.effective_bookings (residency -> approved leave -> explicit choice -> default),
    written as one GROUP BY over the mess's active residents so nothing is materialised per row.

    The tests check it against effective_bookings on the same data."""
    covering_leave = (
        select(Leave.resident_id)
        .where(Leave.mess_id == mess_id, Leave.status == "approved", Leave.start_date <= day, Leave.end_date >= day)
        .distinct()
        .subquery("covering_leave")
    )
    on_leave = covering_leave.c.resident_id.is_not(None)
    booked = case(
        (on_leave, 0),
        (Booking.status == "booked", 1),
        (Booking.status == "cancelled", 0),
        else_=1 if default_booked else 0,
    )
    guests = case((and_(covering_leave.c.resident_id.is_(None), Booking.status == "booked"), Booking.guests), else_=0)
    return (
        select(
            Resident.diet.label("diet"),
            func.count().label("residents"),
            func.coalesce(func.sum(booked), 0).label("booked"),
            func.coalesce(func.sum(guests), 0).label("guests"),
            func.coalesce(func.sum(case((on_leave, 1), else_=0)), 0).label("on_leave"),
        )
        .select_from(Resident)
        .outerjoin(
            Booking,
            # mess_id lets PostgreSQL use ix_booking_mess_id_meal_date_slot_id instead of scanning every booking.
            and_(
                Booking.mess_id == mess_id,
                Booking.resident_id == Resident.id,
                Booking.meal_date == day,
                Booking.slot_id == slot_id,
            ),
        )
        .outerjoin(covering_leave, covering_leave.c.resident_id == Resident.id)
        .where(
            Resident.mess_id == mess_id,
            Resident.active_from <= day,
            (Resident.active_to.is_(None)) | (Resident.active_to >= day),
        )
        .group_by(Resident.diet)
    )


async def meal_counts(session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int) -> list[Any]:
    return list((await session.execute(meal_aggregate(mess_id, default_booked, day, slot_id))).all())


async def checkin_counts(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> tuple[int, int]:
    """(admitted residents with a booking, admitted walk-ins) of one meal."""
    query = select(
        func.coalesce(func.sum(case((CheckIn.walk_in, 0), else_=1)), 0),
        func.coalesce(func.sum(case((CheckIn.walk_in, 1), else_=0)), 0),
    ).where(CheckIn.mess_id == mess_id, CheckIn.meal_date == day, CheckIn.slot_id == slot_id, CheckIn.admitted)
    row = (await session.execute(query)).one()
    return int(row[0]), int(row[1])


async def snapshot(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> list[HeadcountSnapshot]:
    query = select(HeadcountSnapshot).where(
        HeadcountSnapshot.mess_id == mess_id, HeadcountSnapshot.meal_date == day, HeadcountSnapshot.slot_id == slot_id
    )
    return list((await session.execute(query)).scalars())


async def frozen_meals(session: AsyncSession, start: date, end: date) -> set[tuple[int, date, int]]:
    """(mess_id, date, slot_id) of every meal in start..end that has a snapshot."""
    query = (
        select(HeadcountSnapshot.mess_id, HeadcountSnapshot.meal_date, HeadcountSnapshot.slot_id)
        .where(HeadcountSnapshot.meal_date >= start, HeadcountSnapshot.meal_date <= end)
        .distinct()
    )
    return {(row[0], row[1], row[2]) for row in (await session.execute(query)).all()}


async def insert_snapshot(
    session: AsyncSession, mess_id: int, day: date, slot_id: int, by_diet: dict[str, tuple[int, int]], now: datetime
) -> int:
    """Store one meal's frozen counts (a row per diet); rows that exist already stay (idempotent). Rows added."""
    rows = [
        {
            "mess_id": mess_id,
            "meal_date": day,
            "slot_id": slot_id,
            "diet": diet,
            "booked": booked,
            "guests": guests,
            "frozen_at": now,
        }
        for diet, (booked, guests) in by_diet.items()
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(HeadcountSnapshot)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["mess_id", "meal_date", "slot_id", "diet"])
        .returning(HeadcountSnapshot.id)
    )
    return len((await session.execute(statement)).all())


async def show_history(
    session: AsyncSession, mess_id: int, slot_id: int, start: date, end: date
) -> tuple[int, int, int]:
    """(frozen booked residents, admitted booked check-ins, meals) over the slot's meals in start..end that have
    a frozen snapshot and at least one admission at the counter.

    The denominator is the headcount frozen at each cutoff (what the kitchen cooked for). Meals without a
    snapshot, or where the counter recorded nobody (not in use), are left out on both sides."""
    frozen = (
        select(HeadcountSnapshot.meal_date.label("meal_date"), func.sum(HeadcountSnapshot.booked).label("booked"))
        .where(
            HeadcountSnapshot.mess_id == mess_id,
            HeadcountSnapshot.slot_id == slot_id,
            HeadcountSnapshot.meal_date >= start,
            HeadcountSnapshot.meal_date <= end,
        )
        .group_by(HeadcountSnapshot.meal_date)
        .subquery("frozen")
    )
    came = (
        select(
            CheckIn.meal_date.label("meal_date"),
            func.sum(case((CheckIn.walk_in, 0), else_=1)).label("came"),
        )
        .where(
            CheckIn.mess_id == mess_id,
            CheckIn.slot_id == slot_id,
            CheckIn.meal_date >= start,
            CheckIn.meal_date <= end,
            CheckIn.admitted,
        )
        .group_by(CheckIn.meal_date)
        .subquery("came")
    )
    query = select(
        func.count(), func.coalesce(func.sum(frozen.c.booked), 0), func.coalesce(func.sum(came.c.came), 0)
    ).select_from(frozen.join(came, came.c.meal_date == frozen.c.meal_date))
    meals, booked, checked_in = (await session.execute(query)).one()
    return int(booked), int(checked_in), int(meals)
