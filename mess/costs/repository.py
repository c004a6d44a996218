"""All SQL of costs: expenses and wastage."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Expense, Slot, Wastage


async def list_expenses(
    session: AsyncSession, mess_id: int, start: date, end: date, category: str | None, limit: int, offset: int
) -> list[Expense]:
    query = select(Expense).where(
        Expense.mess_id == mess_id, Expense.expense_date >= start, Expense.expense_date <= end
    )
    if category is not None:
        query = query.where(Expense.category == category)
    query = query.order_by(Expense.expense_date, Expense.id).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())


async def list_wastage(
    session: AsyncSession, mess_id: int, start: date, end: date, slot_id: int | None, limit: int, offset: int
) -> list[tuple[Wastage, str]]:
    query = (
        select(Wastage, Slot.code)
        .join(Slot, Slot.id == Wastage.slot_id)
        .where(Wastage.mess_id == mess_id, Wastage.waste_date >= start, Wastage.waste_date <= end)
    )
    if slot_id is not None:
        query = query.where(Wastage.slot_id == slot_id)
    query = query.order_by(Wastage.waste_date, Slot.serve_start, Wastage.id).limit(limit).offset(offset)
    return [(row, code) for row, code in (await session.execute(query)).all()]


async def slot_code(session: AsyncSession, slot_id: int) -> str:
    return str((await session.execute(select(Slot.code).where(Slot.id == slot_id))).scalar_one())
