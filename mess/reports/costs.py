"""Cost: expenses by category, cost per plate served, bills vs expenses per month, the spread of bills."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.kit.dates import month_of
from mess.kit.money import div_round_half_up
from mess.reports import repository
from mess.reports.scope import ReportHeader, ReportParams, resolve_scope


@dataclass(frozen=True, slots=True)
class CategoryCost:
    category: str
    amount: int
    share: float


@dataclass(frozen=True, slots=True)
class MonthCost:
    month: str
    expenses: int
    plates: int
    cost_per_plate: int | None
    bills: int
    billed: int  # sum of bill totals
    margin: int  # billed - expenses


@dataclass(frozen=True, slots=True)
class BillSpread:
    month: str | None
    count: int
    minimum: int
    median: int
    mean: int
    p90: int
    maximum: int
    totals: list[int]


@dataclass(frozen=True, slots=True)
class CostReport:
    header: ReportHeader
    expenses: int
    plates: int
    cost_per_plate: int | None  # minor units, rounded half up
    by_category: list[CategoryCost]
    months: list[MonthCost]
    bills: BillSpread


def _percentile(sorted_values: list[int], share: float) -> int:
    """Nearest-rank percentile of sorted integers (money stays integer)."""
    if not sorted_values:
        return 0
    rank = max(1, -(-len(sorted_values) * int(share * 100) // 100))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def cost_report(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> CostReport:
    # Expenses are not kept per slot, so cost per plate counts the plates of every slot.
    scope = await resolve_scope(session, actor, replace(params, slot=None), now)
    data = [r for r in await repository.scope_rollups(session, scope) if not r.in_progress]  # ended meals' plates
    categories = await repository.expenses_by_category(session, scope.mess_id, scope.start, scope.end)
    expenses = sum(amount for _, amount in categories)
    plates = sum(r.plates for r in data)

    month_expenses: dict[str, int] = defaultdict(int)
    for day, amount in await repository.expenses_by_day(session, scope.mess_id, scope.start, scope.end):
        month_expenses[month_of(day)] += amount
    month_plates: dict[str, int] = defaultdict(int)
    for r in data:
        month_plates[month_of(r.day)] += r.plates
    first, last = month_of(scope.start), month_of(scope.end)
    billed = {m: (n, t) for m, n, t, _ in await repository.bills_by_month(session, scope.mess_id, first, last)}
    months = []
    for month in sorted(set(month_expenses) | set(month_plates) | set(billed)):
        count, total = billed.get(month, (0, 0))
        spent, served = month_expenses.get(month, 0), month_plates.get(month, 0)
        months.append(
            MonthCost(
                month=month,
                expenses=spent,
                plates=served,
                cost_per_plate=div_round_half_up(spent, served) if served else None,
                bills=count,
                billed=total,
                margin=total - spent,
            )
        )

    spread_month = await repository.latest_billed_month(session, scope.mess_id, last)
    totals = await repository.bill_totals(session, scope.mess_id, spread_month) if spread_month else []
    spread = BillSpread(
        month=spread_month,
        count=len(totals),
        minimum=totals[0] if totals else 0,
        median=_percentile(totals, 0.5),
        mean=div_round_half_up(sum(totals), len(totals)) if totals else 0,
        p90=_percentile(totals, 0.9),
        maximum=totals[-1] if totals else 0,
        totals=totals,
    )
    return CostReport(
        header=ReportHeader.of(scope),
        expenses=expenses,
        plates=plates,
        cost_per_plate=div_round_half_up(expenses, plates) if plates else None,
        by_category=[CategoryCost(c, a, round(a / expenses, 4) if expenses else 0.0) for c, a in categories],
        months=months,
        bills=spread,
    )
