"""All leave SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Leave, Resident


async def lock_resident(session: AsyncSession, resident_id: int) -> None:
    """Serialise leave changes of one resident (PostgreSQL row lock; SQLite serialises writers anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(Resident.id).where(Resident.id == resident_id).with_for_update())


async def overlapping(
    session: AsyncSession,
    resident_id: int,
    start: date,
    end: date,
    statuses: tuple[str, ...],
    exclude_id: int | None = None,
) -> Leave | None:
    query = select(Leave).where(
        Leave.resident_id == resident_id,
        Leave.status.in_(statuses),
        Leave.start_date <= end,
        Leave.end_date >= start,
    )
    if exclude_id is not None:
        query = query.where(Leave.id != exclude_id)
    return (await session.execute(query.order_by(Leave.start_date).limit(1))).scalar_one_or_none()


async def get(session: AsyncSession, leave_id: int) -> Leave | None:
    return await session.get(Leave, leave_id)


async def search(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int | None,
    status: str | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> list[Leave]:
    query = select(Leave).where(Leave.mess_id == mess_id)
    if resident_id is not None:
        query = query.where(Leave.resident_id == resident_id)
    if status is not None:
        query = query.where(Leave.status == status)
    if start is not None:
        query = query.where(Leave.end_date >= start)
    if end is not None:
        query = query.where(Leave.start_date <= end)
    query = query.order_by(Leave.start_date.desc(), Leave.id.desc()).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())


_PERIODS = (
    select(Leave.start_date, Leave.end_date)
    .where(
        Leave.mess_id == bindparam("mess_id", type_=Integer),
        Leave.resident_id == bindparam("resident_id", type_=Integer),
        Leave.status == bindparam("status", type_=String),
        Leave.end_date >= bindparam("start", type_=Date),
        Leave.start_date <= bindparam("end", type_=Date),
    )
    .order_by(Leave.start_date, Leave.id)
)


async def periods(
    session: AsyncSession, mess_id: int, resident_id: int, status: str, start: date, end: date
) -> list[Any]:
    """(start_date, end_date) of a resident's leaves (of the mess) with the status that overlap start..end,
    earliest first: built once, run on the session's connection (the week page asks on every request)."""
    connection = await session.connection()
    params = {"mess_id": mess_id, "resident_id": resident_id, "status": status, "start": start, "end": end}
    return list((await connection.execute(_PERIODS, params)).all())
