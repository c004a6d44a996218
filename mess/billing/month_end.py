"""A warden's month-end (issue 15): the month's runs and issue, what the ledgers received in the month, and totals
that reconcile: dues at the start + bills issued - payments + reversals + refunds = dues at the end, all from the
ledger (its entries dated in the month), so the page can show the sum and check it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.billing import repository
from mess.billing.schemas import RunOut
from mess.kit.dates import check_month, month_bounds
from mess.messes.service import load_mess
from mess.models import Adjustment, LedgerEntry, Mess


@dataclass(frozen=True)
class MonthEnd:
    mess: Mess
    month: str
    runs: list[RunOut]
    bills: int
    billed_total: int
    issued: bool
    dues_start: int  # the sum of every ledger before the month: positive, the residents owe the mess
    bills_posted: int  # issued bills posted to the ledgers in the month (whatever month they bill)
    payments: int  # received in the month (positive)
    payment_count: int
    reversals: int  # payments undone in the month (positive)
    reversal_count: int
    refunds: int
    adjustments_credit: int  # the warden's credits and debits dated in the month (they are billed, not posted)
    adjustments_debit: int
    adjustment_count: int
    dues_end: int

    @property
    def change(self) -> int:
        return self.dues_end - self.dues_start

    @property
    def reconciles(self) -> bool:
        return self.bills_posted - self.payments + self.reversals + self.refunds == self.change


def _sum_kind(kind: str) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((LedgerEntry.kind == kind, LedgerEntry.amount), else_=0)), 0)


def _count_kind(kind: str) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((LedgerEntry.kind == kind, 1), else_=0)), 0)


async def _ledger_before(session: AsyncSession, mess_id: int, day: date) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.mess_id == mess_id, LedgerEntry.entry_date < day
    )
    return int((await session.execute(query)).scalar_one())


async def month_end(session: AsyncSession, actor: Actor, month: str, mess_id: int | None) -> MonthEnd:
    actor.require("warden", "admin")
    check_month(month)
    mess = await load_mess(session, actor.mess_for(mess_id))
    first, last = month_bounds(month)
    moved = (
        await session.execute(
            select(
                _sum_kind("bill"),
                _sum_kind("payment"),
                _count_kind("payment"),
                _sum_kind("reversal"),
                _count_kind("reversal"),
                _sum_kind("refund"),
            ).where(LedgerEntry.mess_id == mess.id, LedgerEntry.entry_date >= first, LedgerEntry.entry_date <= last)
        )
    ).one()
    adjusted = (
        await session.execute(
            select(
                func.coalesce(func.sum(case((Adjustment.amount < 0, -Adjustment.amount), else_=0)), 0),
                func.coalesce(func.sum(case((Adjustment.amount > 0, Adjustment.amount), else_=0)), 0),
                func.count(),
            ).where(
                Adjustment.mess_id == mess.id, Adjustment.adjustment_date >= first, Adjustment.adjustment_date <= last
            )
        )
    ).one()
    count, total = await repository.month_summary(session, mess.id, month)
    runs = [RunOut.model_validate(run) for run in await repository.list_runs(session, mess.id, month)]
    return MonthEnd(
        mess=mess,
        month=month,
        runs=runs[:5],
        bills=count,
        billed_total=total,
        issued=await repository.month_is_issued(session, mess.id, month),
        dues_start=await _ledger_before(session, mess.id, first),
        bills_posted=int(moved[0]),
        payments=-int(moved[1]),
        payment_count=int(moved[2]),
        reversals=int(moved[3]),
        reversal_count=int(moved[4]),
        refunds=int(moved[5]),
        adjustments_credit=int(adjusted[0]),
        adjustments_debit=int(adjusted[1]),
        adjustment_count=int(adjusted[2]),
        dues_end=await _ledger_before(session, mess.id, date.fromordinal(last.toordinal() + 1)),
    )
