"""Forecast: the next 7 days' expected people served per slot, from the rollups, with the backtest that
shows how far to trust it next to the "same weekday last week" baseline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.forecast.model import EVENT_KINDS, ModelSettings, Observation, backtest, forecast, slot_methods
from mess.reports import repository
from mess.reports.scope import ReportHeader, ReportParams, resolve_scope

HORIZON_DAYS = 7


@dataclass(frozen=True, slots=True)
class ForecastRow:
    date: dt.date
    slot: str
    expected: float
    low: float  # 80% interval
    high: float
    event: str | None
    method: str  # "model" or "naive" (same weekday last week), chosen per slot by the backtest


@dataclass(frozen=True, slots=True)
class MethodRow:
    """Which method a slot uses and its backtest MAPE (%) next to the plain "same weekday last week" baseline."""

    slot: str
    method: str
    mape: float | None
    mape_model: float | None
    mape_naive: float | None


@dataclass(frozen=True, slots=True)
class BacktestRow:
    date: dt.date
    slot: str
    horizon: int
    actual: float
    model: float
    naive: float


@dataclass(frozen=True, slots=True)
class ForecastReport:
    header: ReportHeader  # start..end is the history the model learned from
    first_day: date
    points: list[ForecastRow]
    methods: list[MethodRow]
    backtest: list[BacktestRow]
    mape_model: float | None
    mape_naive: float | None
    improvement: float | None  # share of the naive MAPE removed
    history_days: int


def parse_events(holidays: list[date], exams: list[date]) -> dict[date, str]:
    events = {day: "exam" for day in exams}
    events.update({day: "holiday" for day in holidays})  # a holiday in an exam week empties the mess anyway
    return events


async def forecast_report(
    session: AsyncSession,
    actor: Actor,
    params: ReportParams,
    now: datetime,
    events: Mapping[date, str] | None = None,
) -> ForecastReport:
    """Forecast from the day after `to` (default: from today, learning from the days before it)."""
    settings = ModelSettings()
    events = dict(events or {})
    unknown = sorted({kind for kind in events.values() if kind not in EVENT_KINDS})
    if unknown:
        raise InvalidInput(f"unknown calendar event kind(s): {', '.join(unknown)}; use {', '.join(EVENT_KINDS)}")
    probe = await resolve_scope(session, actor, replace(params, start=None), now)
    first_day = params.end + timedelta(days=1) if params.end else probe.today
    history_end = first_day - timedelta(days=1)
    history_start = first_day - timedelta(days=settings.window_days)
    scope = await resolve_scope(session, actor, replace(params, start=history_start, end=history_end), now)
    data = [r for r in await repository.scope_rollups(session, scope) if not r.in_progress]
    history = [Observation(r.day, scope.slot_code(r.slot_id), float(r.served)) for r in data]
    tested = backtest(history, events, settings=settings)
    points = forecast(history, events, start=first_day, days=HORIZON_DAYS, settings=settings, tested=tested)
    chosen = slot_methods(tested, sorted({o.slot for o in history}), settings.interval)
    order = {slot.code: i for i, slot in enumerate(scope.slots)}  # serving order, not alphabetical
    points.sort(key=lambda p: (p.day, order[p.slot]))
    tested_points = sorted(tested.points, key=lambda p: (p.origin, p.day, order[p.slot]))
    return ForecastReport(
        header=ReportHeader.of(scope),
        first_day=first_day,
        points=[
            ForecastRow(p.day, p.slot, round(p.expected, 1), round(p.low, 1), round(p.high, 1), p.event, p.method)
            for p in points
        ],
        methods=[
            MethodRow(m.slot, m.method, _mape(m.mape), _mape(m.mape_model), _mape(m.mape_naive))
            for m in sorted(chosen.values(), key=lambda m: order[m.slot])
        ],
        backtest=[BacktestRow(p.day, p.slot, p.horizon, p.actual, round(p.model, 1), p.naive) for p in tested_points],
        mape_model=None if tested.mape_model is None else round(tested.mape_model, 2),
        mape_naive=None if tested.mape_naive is None else round(tested.mape_naive, 2),
        improvement=None if tested.improvement is None else round(tested.improvement, 4),
        history_days=len({r.day for r in data}),
    )


def _mape(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
