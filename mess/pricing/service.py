"""Effective-dated meal prices and the monthly fixed charge of a mess."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.errors import Conflict, ErrorCode, NotFound
from mess.kit.date_limits import effective_date
from mess.kit.dates import local_today
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, load_slot
from mess.models import FixedCharge, MealPrice, Slot
from mess.pricing import repository
from mess.pricing.corrections import Impact, check_correction
from mess.pricing.repository import fixed_charge_in_force, price_in_force
from mess.pricing.schemas import (
    FixedChargeChange,
    FixedChargeIn,
    FixedChargeOut,
    PriceChange,
    PriceIn,
    PriceOut,
)

__all__ = [
    "correct_fixed_charge",
    "correct_price",
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
    mess = await load_mess(session, mess_id)
    slot = await load_slot(session, mess_id, data.slot)
    effective_date(data.effective_from, local_today(now, mess.timezone), f"the {slot.name} price")
    if await repository.get_price(session, slot.id, data.effective_from):
        raise Conflict(
            f"{slot.name} already has a price from {text.day(data.effective_from, local_today(now, mess.timezone))}",
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
    mess = await load_mess(session, mess_id)
    effective_date(data.effective_from, local_today(now, mess.timezone), "the fixed charge")
    if await repository.get_fixed_charge(session, mess_id, data.effective_from):
        raise Conflict(
            f"A fixed charge from {text.day(data.effective_from, local_today(now, mess.timezone))} exists",
            ErrorCode.ALREADY_EXISTS,
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


# --- corrections (PRODUCT 7.2): edit or delete a row while no issued month is affected -------------------------


def _price_values(row: MealPrice) -> tuple[int, int, int]:
    return (row.price, row.guest_price, row.walk_in_price)


async def correct_price(
    session: AsyncSession, actor: Actor, price_id: int, change: PriceChange | None, now: datetime, *, apply: bool = True
) -> tuple[PriceOut | None, Impact]:
    """Edit (change) or delete (None) one price row; with apply=False only say which months it would change."""
    actor.require("warden", "admin")
    found = await repository.get_price_by_id(session, price_id)
    if found is None or not actor.can_see_mess(found[0].mess_id):
        raise NotFound("This price does not exist.")
    price, slot = found
    mess = await load_mess(session, price.mess_id)
    today = local_today(now, mess.timezone)
    what = f"the {slot.name} price from {text.day(price.effective_from, today)}"
    rows = await repository.slot_prices(session, slot.id)
    before = [(r.effective_from, _price_values(r)) for r in rows]
    after = [(r.effective_from, _price_values(r)) for r in rows if r.id != price.id]
    if change is not None:
        new_from = change.effective_from or price.effective_from
        if change.effective_from is not None:
            effective_date(new_from, today, f"the {slot.name} price")
        if any(day == new_from for day, _ in after):
            raise Conflict(
                f"{slot.name} already has another price from {text.day(new_from, today)}; correct or delete that one",
                ErrorCode.ALREADY_EXISTS,
            )
        values = (
            price.price if change.price is None else change.price,
            price.guest_price if change.guest_price is None else change.guest_price,
            price.walk_in_price if change.walk_in_price is None else change.walk_in_price,
        )
        after.append((new_from, values))
    impact = await check_correction(session, mess.id, before, after, today, what, lock=apply)
    if not apply:
        return None, impact
    detail: dict[str, object] = {"before": {"effective_from": price.effective_from, "values": _price_values(price)}}
    if change is None:
        await session.delete(price)
        await session.flush()
        await _audit_correction(session, actor, mess.id, "price.delete", "meal_price", price_id, now, detail, impact)
        return None, impact
    price.effective_from, (price.price, price.guest_price, price.walk_in_price) = after[-1]
    await session.flush()
    detail["after"] = {"effective_from": price.effective_from, "values": _price_values(price)}
    await _audit_correction(session, actor, mess.id, "price.update", "meal_price", price_id, now, detail, impact)
    return _out(price, slot), impact


async def correct_fixed_charge(
    session: AsyncSession,
    actor: Actor,
    charge_id: int,
    change: FixedChargeChange | None,
    now: datetime,
    *,
    apply: bool = True,
) -> tuple[FixedChargeOut | None, Impact]:
    """Edit (change) or delete (None) one fixed-charge row; with apply=False only say which months it changes."""
    actor.require("warden", "admin")
    charge = await repository.get_fixed_charge_by_id(session, charge_id)
    if charge is None or not actor.can_see_mess(charge.mess_id):
        raise NotFound("This fixed charge does not exist.")
    mess = await load_mess(session, charge.mess_id)
    today = local_today(now, mess.timezone)
    what = f"the fixed charge from {text.day(charge.effective_from, today)}"
    rows = await repository.mess_fixed_charges(session, mess.id)
    before = [(r.effective_from, r.amount) for r in rows]
    after = [(r.effective_from, r.amount) for r in rows if r.id != charge.id]
    if change is not None:
        new_from = change.effective_from or charge.effective_from
        if change.effective_from is not None:
            effective_date(new_from, today, "the fixed charge")
        if any(day == new_from for day, _ in after):
            raise Conflict(
                f"another fixed charge starts on {text.day(new_from, today)}; correct or delete that one",
                ErrorCode.ALREADY_EXISTS,
            )
        after.append((new_from, charge.amount if change.amount is None else change.amount))
    impact = await check_correction(session, mess.id, before, after, today, what, lock=apply)
    if not apply:
        return None, impact
    detail: dict[str, object] = {"before": {"effective_from": charge.effective_from, "amount": charge.amount}}
    if change is None:
        await session.delete(charge)
        await session.flush()
        await _audit_correction(
            session, actor, mess.id, "fixed_charge.delete", "fixed_charge", charge_id, now, detail, impact
        )
        return None, impact
    charge.effective_from, charge.amount = after[-1]
    await session.flush()
    detail["after"] = {"effective_from": charge.effective_from, "amount": charge.amount}
    await _audit_correction(
        session, actor, mess.id, "fixed_charge.update", "fixed_charge", charge_id, now, detail, impact
    )
    return FixedChargeOut.model_validate(charge), impact


async def _audit_correction(
    session: AsyncSession,
    actor: Actor,
    mess_id: int,
    action: str,
    entity: str,
    entity_id: int,
    now: datetime,
    detail: dict[str, object],
    impact: Impact,
) -> None:
    detail["months"] = impact.months
    await audit(
        session, actor=actor, mess_id=mess_id, action=action, entity=entity, entity_id=entity_id, now=now, detail=detail
    )
