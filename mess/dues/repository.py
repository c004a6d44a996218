"""Who owes the mess: balances from the ledger, and each debtor's oldest unpaid month, in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Bill, LedgerEntry, Resident


@dataclass(frozen=True)
class Debtor:
    resident_id: int
    roll_no: str
    name: str
    email: str
    room: str | None
    balance: int
    oldest_unpaid_month: str | None


def _debtors(mess_id: int) -> Select[Any]:
    """Residents with a positive balance. The oldest unpaid month: credits (payments net of reversals and refunds)
    pay the oldest bills first; it is the first bill whose running total exceeds them."""
    accounts = (
        select(
            LedgerEntry.resident_id.label("resident_id"),
            func.sum(LedgerEntry.amount).label("balance"),
            func.sum(case((LedgerEntry.kind == "bill", 0), else_=-LedgerEntry.amount)).label("credited"),
        )
        .where(LedgerEntry.mess_id == mess_id)
        .group_by(LedgerEntry.resident_id)
        .having(func.sum(LedgerEntry.amount) > 0)
        .subquery("account")
    )
    billed = (
        select(
            LedgerEntry.resident_id.label("resident_id"),
            Bill.month.label("month"),
            func.sum(LedgerEntry.amount)
            .over(partition_by=LedgerEntry.resident_id, order_by=(Bill.month, LedgerEntry.id))
            .label("running"),
        )
        .join(Bill, Bill.id == LedgerEntry.bill_id)
        .where(LedgerEntry.mess_id == mess_id, LedgerEntry.kind == "bill")
        .subquery("billed")
    )
    oldest = (
        select(func.min(billed.c.month))
        .where(billed.c.resident_id == accounts.c.resident_id, billed.c.running > accounts.c.credited)
        .scalar_subquery()
    )
    return (
        select(
            Resident.id,
            Resident.roll_no,
            Resident.name,
            Resident.email,
            Resident.room,
            accounts.c.balance,
            oldest.label("oldest_unpaid_month"),
        )
        .join(accounts, accounts.c.resident_id == Resident.id)
        .order_by(accounts.c.balance.desc(), Resident.roll_no)
    )


async def debtors(session: AsyncSession, mess_id: int, limit: int | None, offset: int = 0) -> list[Debtor]:
    query = _debtors(mess_id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [Debtor(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]), r[6]) for r in (await session.execute(query)).all()]


async def summary(session: AsyncSession, mess_id: int) -> tuple[int, int]:
    """(how many owe, how much in all)."""
    rows = _debtors(mess_id).order_by(None).subquery()
    count, total = (await session.execute(select(func.count(), func.coalesce(func.sum(rows.c.balance), 0)))).one()
    return int(count), int(total)
