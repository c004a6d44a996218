"""The month so far (PRODUCT 7.2, GET /bills/estimate): the lines a billing run would write for one resident,
computed by the run's own statement builders (lines.own_lines, lines.correction_lines) over the month's days
that have ended in the mess, read instead of stored. One rule set: for a month that has ended, the estimate is
the run's bill (a property test holds them equal)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.billing.lines import LINE_COLUMNS, MonthScope, correction_lines, own_lines
from mess.billing.repository import month_is_issued
from mess.billing.schemas import BillEstimateOut, BillLineOut
from mess.kit.dates import check_month, local_today, month_bounds, previous_month
from mess.messes.service import load_mess
from mess.models import Mess, Resident
from mess.residents.service import target_resident


async def estimate_lines(
    session: AsyncSession, mess: Mess, resident_id: int, month: str, until: date
) -> list[BillLineOut]:
    """One resident's lines for `month` over the days up to `until` (inclusive), in the bill's order."""
    if until < month_bounds(month)[0]:
        return []
    dialect = session.get_bind().dialect.name
    scope = MonthScope(
        mess.id, month, mess.booking_mode == "opt_out", mess.min_rebate_days, resident_id, resident_id, until
    )
    parts = [own_lines(scope, dialect)]
    if await month_is_issued(session, mess.id, previous_month(month)):
        parts.append(correction_lines(scope, dialect))
    rows = []
    for part in parts:  # one statement each, as the run stages them (each builds its own CTEs)
        line = part.subquery("line")
        rows += list(await session.execute(select(*(line.c[name] for name in LINE_COLUMNS))))
    rows.sort(key=lambda row: (row.position, row.unit_price))
    return [
        BillLineOut(
            kind=row.kind,
            description=row.description,
            slot_id=row.slot_id,
            item_id=row.item_id,
            quantity=int(row.quantity),
            unit_price=int(row.unit_price),
            amount=int(row.amount),
        )
        for row in rows
    ]


def last_ended_day(mess: Mess, now: datetime) -> date:
    return local_today(now, mess.timezone) - timedelta(days=1)


async def estimate(
    session: AsyncSession, actor: Actor, month: str, resident_id: int | None, now: datetime
) -> BillEstimateOut:
    """A resident's own month so far, or (warden) any resident's of the mess. Never stored."""
    if not actor.is_resident:
        actor.require("warden", "admin")
    check_month(month)
    resident: Resident = await target_resident(session, actor, resident_id)
    mess = await load_mess(session, resident.mess_id)
    until = min(month_bounds(month)[1], last_ended_day(mess, now))
    lines = await estimate_lines(session, mess, resident.id, month, until)
    return BillEstimateOut(
        mess_id=mess.id,
        resident_id=resident.id,
        month=month,
        total=sum(line.amount for line in lines),
        through=until if until >= month_bounds(month)[0] else None,
        lines=lines,
    )
