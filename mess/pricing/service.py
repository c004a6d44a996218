"""Effective-dated meal prices and the monthly fixed charge of a mess."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.errors import Conflict, ErrorCode
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, load_slot
from mess.models import FixedCharge, MealPrice, Slot
from mess.pricing import repository
from mess.pricing.repository import fixed_charge_in_force, price_in_force
from mess.pricing.schemas import FixedChargeIn, FixedChargeOut, PriceIn, PriceOut

__all__ = [
    "create_fixed_charge",
    "create_price",
    "fixed_charge_in_force",
    "list_fixed_charges",
    "list_prices",
    "price_in_force",
]


def _out(price: MealPrice, slot: Slot) -> PriceOut:
    return PriceOut(
        id=price.id,
        mess_id=price.mess_id,
        slot=slot.code,
        slot_id=slot.id,
        price=price.price,
        guest_price=price.guest_price,
        walk_in_price=price.walk_in_price,
        effective_from=price.effective_from,
    )


async def create_price(session: AsyncSession, actor: Actor, data: PriceIn, now: datetime) -> PriceOut:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    await load_mess(session, mess_id)
    slot = await load_slot(session, mess_id, data.slot)
    if await repository.get_price(session, slot.id, data.effective_from):
        raise Conflict(
            f"{slot.code} already has a price effective from {data.effective_from.isoformat()}",
            ErrorCode.ALREADY_EXISTS,
        )
    price = MealPrice(
        mess_id=mess_id,
        slot_id=slot.id,
        price=data.price,
        guest_price=data.guest_price,
        walk_in_price=data.walk_in_price,
        effective_from=data.effective_from,
        created_at=now,
    )
    session.add(price)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same (slot, effective_from)
        raise Conflict("that price exists already", ErrorCode.ALREADY_EXISTS) from exc
    await audit(
        session,
        actor=actor,
        mess_id=mess_id,
        action="price.create",
        entity="meal_price",
        entity_id=price.id,
        now=now,
        detail=data.model_dump(exclude={"mess_id"}),
    )
    return _out(price, slot)


async def list_prices(
    session: AsyncSession,
    actor: Actor,
    *,
    mess_id: int | None,
    slot_code: str | None,
    on: date | None,
    limit: int,
    offset: int,
) -> list[PriceOut]:
    """Every price row (newest first per slot), or with `on` only the rows in force on that date."""
    target = actor.mess_for(mess_id)
    slot_id = (await load_slot(session, target, slot_code)).id if slot_code else None
    if on is None:
        return [_out(p, s) for p, s in await repository.list_prices(session, target, slot_id, limit, offset)]
    out = []
    for slot in await list_slots(session, target):
        if slot_id is not None and slot.id != slot_id:
            continue
        price = await price_in_force(session, slot.id, on)
        if price is not None:
            out.append(_out(price, slot))
    return out


async def create_fixed_charge(
    session: AsyncSession, actor: Actor, data: FixedChargeIn, now: datetime
) -> FixedChargeOut:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    await load_mess(session, mess_id)
    if await repository.get_fixed_charge(session, mess_id, data.effective_from):
        raise Conflict(
            f"a fixed charge effective from {data.effective_from.isoformat()} exists", ErrorCode.ALREADY_EXISTS
        )
    charge = FixedCharge(mess_id=mess_id, amount=data.amount, effective_from=data.effective_from, created_at=now)
    session.add(charge)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("that fixed charge exists already", ErrorCode.ALREADY_EXISTS) from exc
    await audit(
        session,
        actor=actor,
        mess_id=mess_id,
        action="fixed_charge.create",
        entity="fixed_charge",
        entity_id=charge.id,
        now=now,
        detail=data.model_dump(exclude={"mess_id"}),
    )
    return FixedChargeOut.model_validate(charge)


async def list_fixed_charges(
    session: AsyncSession, actor: Actor, *, mess_id: int | None, on: date | None, limit: int, offset: int
) -> list[FixedChargeOut]:
    target = actor.mess_for(mess_id)
    if on is not None:
        charge = await fixed_charge_in_force(session, target, on)
        return [FixedChargeOut.model_validate(charge)] if charge else []
    return [
        FixedChargeOut.model_validate(c) for c in await repository.list_fixed_charges(session, target, limit, offset)
    ]
