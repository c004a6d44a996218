from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import LedgerEntry


async def entries(session: AsyncSession, resident_id: int) -> list[LedgerEntry]:
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.resident_id == resident_id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    return list((await session.execute(query)).scalars())


async def balance(session: AsyncSession, resident_id: int) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.resident_id == resident_id)
    return int((await session.execute(query)).scalar() or 0)


def add(session: AsyncSession, entry: LedgerEntry) -> None:
    session.add(entry)
