"""Adjustments: a warden's credits and debits on a resident's bill, each with a reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.adjustments import repository
from mess.adjustments.schemas import AdjustmentIn, AdjustmentOut
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.errors import Conflict, ErrorCode
from mess.kit.dates import check_month, month_bounds, month_of
from mess.models import Adjustment
from mess.residents.service import listing_scope, load_resident


def _out(row: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=row.id,
        mess_id=row.mess_id,
        resident_id=row.resident_id,
        date=row.adjustment_date,
        month=month_of(row.adjustment_date),
        amount=row.amount,
        reason=row.reason,
        created_at=row.created_at,
        created_by=row.created_by,
    )


async def create_adjustment(session: AsyncSession, actor: Actor, data: AdjustmentIn, now: datetime) -> AdjustmentOut:
    """Billed in the month of its date; refused once that month's bill of the resident is issued."""
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, data.resident_id)
    month = month_of(data.date)
    first, last = month_bounds(month)
    if resident.active_from > last or (resident.active_to is not None and resident.active_to < first):
        raise Conflict(f"{resident.roll_no} is not a resident in {month}", ErrorCode.NOT_RESIDENT)
    if await repository.bill_issued(session, resident.id, month):
        raise Conflict(
            f"the {month} bill of {resident.roll_no} is issued; date the adjustment in a later month",
            ErrorCode.ALREADY_ISSUED,
        )
    row = Adjustment(
        mess_id=resident.mess_id,
        resident_id=resident.id,
        adjustment_date=data.date,
        amount=data.amount,
        reason=data.reason,
        created_at=now,
        created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    await audit(
        session,
        actor=actor,
        mess_id=resident.mess_id,
        action="adjustment.create",
        entity="adjustment",
        entity_id=row.id,
        now=now,
        reason=data.reason,
        detail={"resident_id": resident.id, "amount": data.amount, "date": data.date},
    )
    return _out(row)


async def list_adjustments(
    session: AsyncSession,
    actor: Actor,
    *,
    month: str | None,
    resident_id: int | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[AdjustmentOut]:
    """A resident sees their own adjustments; a warden those of the mess (optionally one resident's)."""
    actor.require("resident", "warden", "admin")
    start, end = month_bounds(check_month(month)) if month else (None, None)
    target, resident_id = await listing_scope(session, actor, resident_id, mess_id)
    rows = await repository.search(
        session, mess_id=target, resident_id=resident_id, start=start, end=end, limit=limit, offset=offset
    )
    return [_out(row) for row in rows]
