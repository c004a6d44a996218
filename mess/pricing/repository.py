"""All price SQL. A price row is in force from its effective_from until the next row of the same slot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import FixedCharge, MealPrice, Slot


class _Dated(Protocol):
    effective_from: date


D = TypeVar("D", bound=_Dated)


def pick_in_force(rows: Sequence[D], day: date) -> D | None:
    """The row in force on `day` among rows of ONE slot (or one mess's fixed charges), in any order."""
    best: D | None = None
    for row in rows:
        if row.effective_from <= day and (best is None or row.effective_from > best.effective_from):
            best = row
    return best


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


async def price_history(session: AsyncSession, mess_id: int, until: date | None = None) -> list[MealPrice]:
    """Every price row of a mess (effective on or before `until`), for bulk lookups with pick_in_force."""
    query = select(MealPrice).where(MealPrice.mess_id == mess_id)
    if until is not None:
        query = query.where(MealPrice.effective_from <= until)
    return list((await session.execute(query.order_by(MealPrice.slot_id, MealPrice.effective_from))).scalars())


async def fixed_charge_history(session: AsyncSession, mess_id: int, until: date | None = None) -> list[FixedCharge]:
    query = select(FixedCharge).where(FixedCharge.mess_id == mess_id)
    if until is not None:
        query = query.where(FixedCharge.effective_from <= until)
    return list((await session.execute(query.order_by(FixedCharge.effective_from))).scalars())


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
