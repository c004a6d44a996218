"""All adjustment SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Adjustment, Bill


async def bill_issued(session: AsyncSession, resident_id: int, month: str) -> bool:
    query = select(exists().where(Bill.resident_id == resident_id, Bill.month == month, Bill.status == "issued"))
    return bool((await session.execute(query)).scalar())


async def search(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> list[Adjustment]:
    query = select(Adjustment).where(Adjustment.mess_id == mess_id)
    if resident_id is not None:
        query = query.where(Adjustment.resident_id == resident_id)
    if start is not None:
        query = query.where(Adjustment.adjustment_date >= start)
    if end is not None:
        query = query.where(Adjustment.adjustment_date <= end)
    query = query.order_by(Adjustment.adjustment_date.desc(), Adjustment.id.desc()).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())
