"""All leave SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
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
