"""All SQL of extras: the items a mess sells and the purchases at the counter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import ExtraItem, ExtraPurchase, Resident


async def get_item(session: AsyncSession, item_id: int) -> ExtraItem | None:
    return await session.get(ExtraItem, item_id)


async def get_item_by_name(session: AsyncSession, mess_id: int, name: str) -> ExtraItem | None:
    query = select(ExtraItem).where(ExtraItem.mess_id == mess_id, ExtraItem.name == name)
    return (await session.execute(query)).scalar_one_or_none()


async def list_items(session: AsyncSession, mess_id: int, active: bool | None) -> list[ExtraItem]:
    query = select(ExtraItem).where(ExtraItem.mess_id == mess_id)
    if active is not None:
        query = query.where(ExtraItem.is_active == active)
    return list((await session.execute(query.order_by(ExtraItem.name))).scalars())


async def list_purchases(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int | None,
    start: date,
    end: date,
    limit: int,
    offset: int,
) -> list[tuple[ExtraPurchase, str, str, str]]:
    """(sale, item name, roll number, resident name), oldest first."""
    query = (
        select(ExtraPurchase, ExtraItem.name, Resident.roll_no, Resident.name)
        .join(ExtraItem, ExtraItem.id == ExtraPurchase.item_id)
        .join(Resident, Resident.id == ExtraPurchase.resident_id)
        .where(
            ExtraPurchase.mess_id == mess_id,
            ExtraPurchase.purchase_date >= start,
            ExtraPurchase.purchase_date <= end,
        )
    )
    if resident_id is not None:
        query = query.where(ExtraPurchase.resident_id == resident_id)
    query = query.order_by(ExtraPurchase.purchase_date, ExtraPurchase.id).limit(limit).offset(offset)
    return [(purchase, item, roll_no, name) for purchase, item, roll_no, name in (await session.execute(query)).all()]


async def purchase_with_names(session: AsyncSession, purchase_id: int) -> tuple[ExtraPurchase, str, str, str] | None:
    query = (
        select(ExtraPurchase, ExtraItem.name, Resident.roll_no, Resident.name)
        .join(ExtraItem, ExtraItem.id == ExtraPurchase.item_id)
        .join(Resident, Resident.id == ExtraPurchase.resident_id)
        .where(ExtraPurchase.id == purchase_id)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1], row[2], row[3])
