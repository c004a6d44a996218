"""Costs: the mess's expenses by date and category, and food wasted per meal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.costs import repository
from mess.costs.schemas import ExpenseIn, ExpenseOut, WastageIn, WastageOut, WastagePatch
from mess.errors import Forbidden, InvalidInput, NotFound
from mess.kit.date_limits import recorded_date
from mess.kit.dates import local_today
from mess.messes.service import load_mess, load_slot
from mess.models import Expense, Wastage
from mess.text import REVERSED_RANGE

MAX_RANGE_DAYS = 366


def kg_to_grams(kg: Decimal) -> int:
    return int((kg * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"ask for at most {MAX_RANGE_DAYS} days at a time")


def _expense_out(row: Expense) -> ExpenseOut:
    return ExpenseOut(
        id=row.id,
        mess_id=row.mess_id,
        date=row.expense_date,
        category=row.category,
        amount=row.amount,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _wastage_out(row: Wastage, slot_code: str) -> WastageOut:
    return WastageOut(
        id=row.id,
        mess_id=row.mess_id,
        date=row.waste_date,
        slot=slot_code,
        slot_id=row.slot_id,
        grams=row.grams,
        kg=row.grams / 1000,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def record_expense(session: AsyncSession, actor: Actor, data: ExpenseIn, now: datetime) -> ExpenseOut:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    mess = await load_mess(session, mess_id)
    recorded_date(data.date, local_today(now, mess.timezone), f"a {data.category} expense")
    row = Expense(
        mess_id=mess_id,
        expense_date=data.date,
        category=data.category,
        amount=data.amount,
        note=data.note,
        created_at=now,
        created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    return _expense_out(row)


async def list_expenses(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    category: str | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[ExpenseOut]:
    actor.require("warden", "admin")
    _check_range(start, end)
    target = actor.mess_for(mess_id)
    rows = await repository.list_expenses(session, target, start, end, category, limit, offset)
    return [_expense_out(row) for row in rows]


async def record_wastage(session: AsyncSession, actor: Actor, data: WastageIn, now: datetime) -> WastageOut:
    """Food wasted at one meal. Several records per meal are allowed (plate waste, kitchen waste ...)."""
    actor.require("staff", "warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    mess = await load_mess(session, mess_id)
    slot = await load_slot(session, mess_id, data.slot)
    if data.date > local_today(now, mess.timezone):
        raise InvalidInput("wastage cannot be recorded for a future date")
    row = Wastage(
        mess_id=mess_id,
        waste_date=data.date,
        slot_id=slot.id,
        grams=kg_to_grams(data.kg),
        note=data.note,
        created_at=now,
        created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    return _wastage_out(row, slot.code)


async def list_wastage(
    session: AsyncSession,
    actor: Actor,
    *,
    start: date,
    end: date,
    slot_code: str | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[WastageOut]:
    actor.require("staff", "warden", "admin")
    _check_range(start, end)
    target = actor.mess_for(mess_id)
    slot_id = (await load_slot(session, target, slot_code)).id if slot_code else None
    rows = await repository.list_wastage(session, target, start, end, slot_id, limit, offset)
    return [_wastage_out(row, code) for row, code in rows]


async def update_wastage(
    session: AsyncSession, actor: Actor, wastage_id: int, patch: WastagePatch, now: datetime
) -> WastageOut:
    """Correct a wastage entry on the (local) day it was recorded; audited with the values before and after."""
    actor.require("staff", "warden", "admin")
    row = await session.get(Wastage, wastage_id)
    if row is None or not actor.can_see_mess(row.mess_id):
        raise NotFound(f"wastage entry {wastage_id} does not exist")
    mess = await load_mess(session, row.mess_id)
    today = local_today(now, mess.timezone)
    if local_today(row.created_at, mess.timezone) != today:
        raise Forbidden("a wastage entry can be corrected only on the day it was recorded; record a new one")
    slot = await load_slot(session, mess.id, patch.slot) if patch.slot is not None else None
    before = {"slot_id": row.slot_id, "grams": row.grams, "note": row.note}
    if slot is not None:
        row.slot_id = slot.id
    if patch.kg is not None:
        row.grams = kg_to_grams(patch.kg)
    if patch.note is not None:
        row.note = patch.note
    await session.flush()
    await audit(
        session,
        actor=actor,
        mess_id=mess.id,
        action="wastage.update",
        entity="wastage",
        entity_id=row.id,
        now=now,
        detail={"before": before, "after": {"slot_id": row.slot_id, "grams": row.grams, "note": row.note}},
    )
    code = slot.code if slot is not None else (await repository.slot_code(session, row.slot_id))
    return _wastage_out(row, code)
