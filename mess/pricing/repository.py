"""All price SQL. A price row is in force from its effective_from until the next row of the same slot."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.db.days import day_table
from mess.models import FixedCharge, MealPrice, Slot


async def price_in_force(session: AsyncSession, slot_id: int, day: date) -> MealPrice | None:
    """The slot's price row in force on `day` (latest effective_from <= day), or None if none is set yet."""
    query = (
        select(MealPrice)
        .where(MealPrice.slot_id == slot_id, MealPrice.effective_from <= day)
        .order_by(MealPrice.effective_from.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def fixed_charge_in_force(session: AsyncSession, mess_id: int, day: date) -> FixedCharge | None:
    """The mess's monthly fixed charge row in force on `day`, or None."""
    query = (
        select(FixedCharge)
        .where(FixedCharge.mess_id == mess_id, FixedCharge.effective_from <= day)
        .order_by(FixedCharge.effective_from.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


def prices_in_force(mess_id: int, start: date, end: date, name: str = "meal_price_day") -> Any:
    """Per (day, slot) of start..end: the price row in force (the latest effective_from <= day)."""
    day = day_table(start, end, f"{name}_days")
    in_force = (
        select(func.max(MealPrice.effective_from))
        .where(MealPrice.slot_id == Slot.id, MealPrice.effective_from <= day.c.day)
        .correlate_except(MealPrice)
        .scalar_subquery()
    )
    return (
        select(
            day.c.day.label("day"),
            Slot.id.label("slot_id"),
            MealPrice.price.label("price"),
            MealPrice.guest_price.label("guest_price"),
            MealPrice.walk_in_price.label("walk_in_price"),
        )
        .select_from(day)
        .join(Slot, Slot.mess_id == mess_id)
        .join(MealPrice, MealPrice.slot_id == Slot.id)
        .where(MealPrice.effective_from == in_force)
        .subquery(name)
    )


async def get_price(session: AsyncSession, slot_id: int, effective_from: date) -> MealPrice | None:
    query = select(MealPrice).where(MealPrice.slot_id == slot_id, MealPrice.effective_from == effective_from)
    return (await session.execute(query)).scalar_one_or_none()


async def get_fixed_charge(session: AsyncSession, mess_id: int, effective_from: date) -> FixedCharge | None:
    query = select(FixedCharge).where(FixedCharge.mess_id == mess_id, FixedCharge.effective_from == effective_from)
    return (await session.execute(query)).scalar_one_or_none()


async def list_prices(
    session: AsyncSession, mess_id: int, slot_id: int | None, limit: int, offset: int
) -> list[tuple[MealPrice, Slot]]:
    query = select(MealPrice, Slot).join(Slot, Slot.id == MealPrice.slot_id).where(MealPrice.mess_id == mess_id)
    if slot_id is not None:
        query = query.where(MealPrice.slot_id == slot_id)
    query = query.order_by(Slot.serve_start, Slot.position, MealPrice.effective_from.desc()).limit(limit).offset(offset)
    return [(price, slot) for price, slot in (await session.execute(query)).all()]


async def list_fixed_charges(session: AsyncSession, mess_id: int, limit: int, offset: int) -> list[FixedCharge]:
    query = (
        select(FixedCharge)
        .where(FixedCharge.mess_id == mess_id)
        .order_by(FixedCharge.effective_from.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars())


async def get_price_by_id(session: AsyncSession, price_id: int) -> tuple[MealPrice, Slot] | None:
    query = select(MealPrice, Slot).join(Slot, Slot.id == MealPrice.slot_id).where(MealPrice.id == price_id)
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def slot_prices(session: AsyncSession, slot_id: int) -> list[MealPrice]:
    query = select(MealPrice).where(MealPrice.slot_id == slot_id).order_by(MealPrice.effective_from)
    return list((await session.execute(query)).scalars())


async def get_fixed_charge_by_id(session: AsyncSession, charge_id: int) -> FixedCharge | None:
    return await session.get(FixedCharge, charge_id)


async def mess_fixed_charges(session: AsyncSession, mess_id: int) -> list[FixedCharge]:
    query = select(FixedCharge).where(FixedCharge.mess_id == mess_id).order_by(FixedCharge.effective_from)
    return list((await session.execute(query)).scalars())
