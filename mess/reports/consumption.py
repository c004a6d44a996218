"""Consumption: booked vs checked-in vs walk-ins per day and slot, a weekday x slot heatmap, participation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.reports import repository
from mess.reports.scope import WEEKDAYS, ReportHeader, ReportParams, rate, resolve_scope


@dataclass(frozen=True, slots=True)
class ConsumptionRow:
    date: dt.date
    slot: str
    residents: int
    booked: int
    guests: int
    on_leave: int
    checked_in: int
    walk_ins: int
    served: int
    participation: float | None  # served / active residents
    in_progress: bool  # still being served (or not yet): its counts are so far, left out of the totals


@dataclass(frozen=True, slots=True)
class HeatmapCell:
    weekday: int  # 0 = Monday
    weekday_name: str
    slot: str
    days: int
    average_served: float


@dataclass(frozen=True, slots=True)
class ConsumptionReport:
    header: ReportHeader
    booked: int
    checked_in: int
    walk_ins: int
    guests: int
    served: int
    participation: float | None
    show_rate: float | None  # checked-in / booked
    in_progress_meals: int
    rows: list[ConsumptionRow]
    heatmap: list[HeatmapCell]


async def consumption_report(
    session: AsyncSession, actor: Actor, params: ReportParams, now: datetime
) -> ConsumptionReport:
    scope = await resolve_scope(session, actor, params, now)
    everything = await repository.scope_rollups(session, scope)
    rows = [
        ConsumptionRow(
            r.day,
            scope.slot_code(r.slot_id),
            r.residents,
            r.booked,
            r.guests,
            r.on_leave,
            r.checked_in,
            r.walk_ins,
            r.served,
            rate(r.served, r.residents),
            r.in_progress,
        )
        for r in everything
    ]
    data = [r for r in everything if not r.in_progress]
    cells: dict[tuple[int, str], list[int]] = defaultdict(list)
    for r in data:
        cells[r.day.weekday(), scope.slot_code(r.slot_id)].append(r.served)
    order = {s.code: i for i, s in enumerate(scope.slots)}
    heatmap = [
        HeatmapCell(weekday, WEEKDAYS[weekday], slot, len(values), round(sum(values) / len(values), 2))
        for (weekday, slot), values in sorted(cells.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]
    booked = sum(r.booked for r in data)
    checked_in = sum(r.checked_in for r in data)
    served = sum(r.served for r in data)
    return ConsumptionReport(
        header=ReportHeader.of(scope),
        booked=booked,
        checked_in=checked_in,
        walk_ins=sum(r.walk_ins for r in data),
        guests=sum(r.guests for r in data),
        served=served,
        participation=rate(served, sum(r.residents for r in data)),
        show_rate=rate(checked_in, booked),
        in_progress_meals=len(everything) - len(data),
        rows=rows,
        heatmap=heatmap,
    )
