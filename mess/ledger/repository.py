from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mess.models import LedgerEntry, Resident


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


async def payment_with_reference(session: AsyncSession, mess_id: int, reference: str) -> LedgerEntry | None:
    """The payment of the mess that already carries this reference, ignoring case (the unique index's rule)."""
    query = select(LedgerEntry).where(
        LedgerEntry.mess_id == mess_id,
        LedgerEntry.kind == "payment",
        LedgerEntry.reference != "",
        func.lower(LedgerEntry.reference) == reference.lower(),
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def get_entry(session: AsyncSession, entry_id: int) -> LedgerEntry | None:
    return await session.get(LedgerEntry, entry_id)


async def reversal_of(session: AsyncSession, payment_id: int) -> LedgerEntry | None:
    query = select(LedgerEntry).where(LedgerEntry.reverses_id == payment_id)
    return (await session.execute(query)).scalar_one_or_none()


def _payments(mess_id: int, resident_id: int | None, start: date | None, end: date | None) -> Select:
    reversal = aliased(LedgerEntry)
    query = (
        select(LedgerEntry, Resident.roll_no, Resident.name, reversal.id)
        .join(Resident, Resident.id == LedgerEntry.resident_id)
        .outerjoin(reversal, reversal.reverses_id == LedgerEntry.id)
        .where(LedgerEntry.mess_id == mess_id, LedgerEntry.kind == "payment")
    )
    if resident_id is not None:
        query = query.where(LedgerEntry.resident_id == resident_id)
    if start is not None:
        query = query.where(LedgerEntry.entry_date >= start)
    if end is not None:
        query = query.where(LedgerEntry.entry_date <= end)
    return query


async def list_payments(
    session: AsyncSession,
    mess_id: int,
    resident_id: int | None,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[LedgerEntry, str, str, int | None]], int]:
    """Newest first, with the resident's roll number and name and the reversing entry's id; and the count."""
    query = _payments(mess_id, resident_id, start, end)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    ordered = query.order_by(LedgerEntry.entry_date.desc(), LedgerEntry.id.desc()).limit(limit).offset(offset)
    rows = [(entry, roll_no, name, reversal_id) for entry, roll_no, name, reversal_id in await session.execute(ordered)]
    return rows, int(total)
