"""All SQL of extras: the items a mess sells and the purchases at the counter."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import ExtraItem, ExtraPurchase


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
) -> list[tuple[ExtraPurchase, str]]:
    query = (
        select(ExtraPurchase, ExtraItem.name)
        .join(ExtraItem, ExtraItem.id == ExtraPurchase.item_id)
        .where(
            ExtraPurchase.mess_id == mess_id,
            ExtraPurchase.purchase_date >= start,
            ExtraPurchase.purchase_date <= end,
        )
    )
    if resident_id is not None:
        query = query.where(ExtraPurchase.resident_id == resident_id)
    query = query.order_by(ExtraPurchase.purchase_date, ExtraPurchase.id).limit(limit).offset(offset)
    return [(purchase, name) for purchase, name in (await session.execute(query)).all()]
