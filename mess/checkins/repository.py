"""All check-in SQL. One admission per resident and meal is the database's job (a unique partial index)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, and_, exists, select, text
from sqlalchemy import insert as insert_plain
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.repository import effective_bookings
from mess.models import CheckIn, Resident, Slot


async def effective_booking(
    session: AsyncSession, mess_id: int, default_booked: bool, resident_id: int, day: date, slot_id: int
) -> Any:
    """The one effective-booking row of a resident for a meal (source says why), by the shared rule."""
    query = effective_bookings(
        mess_id, default_booked, day, day, resident_id=resident_id, slot_id=slot_id, only_resident_days=False
    )
    return (await session.execute(query)).first()


async def admit(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert an admitting check-in; None when the resident was already admitted to this meal.

    INSERT ... ON CONFLICT DO NOTHING against the unique partial index: under concurrency PostgreSQL waits for
    the competing transaction and skips if it committed, SQLite serialises writers; no error, no savepoint."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(CheckIn)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["resident_id", "meal_date", "slot_id"], index_where=text("admitted"))
        .returning(CheckIn.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def record(session: AsyncSession, values: dict[str, Any]) -> int:
    """Insert a non-admitting attempt (refusals, duplicates, unknown roll numbers)."""
    row = CheckIn(**values)
    session.add(row)
    await session.flush()
    return row.id


CHECKIN = cast(Table, CheckIn.__table__)  # Core inserts of many rows: no ORM bookkeeping per row


async def admit_many(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[tuple[int, date, int], int]:
    """Insert admitting check-ins, skipping those whose resident was admitted to the meal meanwhile (the unique
    partial index); the ids of the inserted ones by (resident, date, slot). SQLAlchemy sends the rows as a few
    multi-row INSERTs ("insertmanyvalues").

    Rows go in resident order, so two batches admitting the same residents wait on each other in the same order
    on PostgreSQL and never deadlock."""
    if not rows:
        return {}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(CHECKIN)
        .on_conflict_do_nothing(index_elements=["resident_id", "meal_date", "slot_id"], index_where=text("admitted"))
        .returning(CHECKIN.c.id, CHECKIN.c.resident_id, CHECKIN.c.meal_date, CHECKIN.c.slot_id)
    )
    ordered = sorted(rows, key=lambda row: (row["resident_id"], row["meal_date"], row["slot_id"]))
    result = await session.execute(statement, ordered)
    return {(row.resident_id, row.meal_date, row.slot_id): row.id for row in result}


async def record_many(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Insert non-admitting attempts in one go; their ids in the order given."""
    if not rows:
        return []
    statement = insert_plain(CHECKIN).returning(CHECKIN.c.id, sort_by_parameter_order=True)
    return list((await session.execute(statement, rows)).scalars())


async def admissions(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> dict[int, Any]:
    """When each resident was admitted to a meal, by resident id."""
    query = select(CheckIn.resident_id, CheckIn.created_at).where(
        CheckIn.mess_id == mess_id, CheckIn.meal_date == day, CheckIn.slot_id == slot_id, CheckIn.admitted
    )
    return {row.resident_id: row.created_at for row in await session.execute(query)}


async def meal_bookings(
    session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int
) -> dict[int, Any]:
    """Every resident's effective-booking row for one meal (as effective_booking gives it for one), by id."""
    query = effective_bookings(mess_id, default_booked, day, day, slot_id=slot_id, only_resident_days=False)
    return {row.resident_id: row for row in await session.execute(query)}


async def admission(session: AsyncSession, resident_id: int, day: date, slot_id: int) -> CheckIn | None:
    query = select(CheckIn).where(
        CheckIn.resident_id == resident_id, CheckIn.meal_date == day, CheckIn.slot_id == slot_id, CheckIn.admitted
    )
    return (await session.execute(query)).scalar_one_or_none()


async def list_attempts(
    session: AsyncSession, mess_id: int, day: date, slot_id: int | None, limit: int, offset: int
) -> list[Any]:
    """Attempts of one day (and slot), newest first; names only of this mess's residents."""
    query = (
        select(CheckIn, Slot.code.label("slot"), Resident.name.label("name"))
        .join(Slot, Slot.id == CheckIn.slot_id)
        .outerjoin(Resident, and_(Resident.id == CheckIn.resident_id, Resident.mess_id == CheckIn.mess_id))
        .where(CheckIn.mess_id == mess_id, CheckIn.meal_date == day)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if slot_id is not None:
        query = query.where(CheckIn.slot_id == slot_id)
    return list((await session.execute(query)).all())


async def recent_for_resident(session: AsyncSession, resident_id: int, limit: int) -> list[tuple[Any, ...]]:
    """A resident's latest check-in attempts: (meal date, slot name, result, walk-in, at), newest first."""
    query = (
        select(CheckIn.meal_date, Slot.name, CheckIn.result, CheckIn.walk_in, CheckIn.created_at)
        .join(Slot, Slot.id == CheckIn.slot_id)
        .where(CheckIn.resident_id == resident_id)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in (await session.execute(query)).all()]


async def meal_roster(session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int) -> list[Any]:
    """Every resident of the mess that day with their effective booking of the meal and whether they were
    admitted to it already, by roll number."""
    bookings = effective_bookings(mess_id, default_booked, day, day, slot_id=slot_id).subquery()
    checked_in = (
        exists()
        .where(
            CheckIn.resident_id == Resident.id, CheckIn.meal_date == day, CheckIn.slot_id == slot_id, CheckIn.admitted
        )
        .label("checked_in")
    )
    query = (
        select(
            Resident.id,
            Resident.roll_no,
            Resident.name,
            Resident.diet,
            bookings.c.booked,
            bookings.c.source,
            checked_in,
        )
        .join(bookings, bookings.c.resident_id == Resident.id)
        .order_by(Resident.roll_no)
    )
    return list((await session.execute(query)).all())
