"""Forecast: the next 7 days' expected people served per slot, from the rollups, with the backtest that
shows how far to trust it next to the "same weekday last week" baseline."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.bookings.service import cutoff_at
from mess.errors import InvalidInput
from mess.forecast.model import (
    EVENT_KINDS,
    BacktestResult,
    ForecastPoint,
    ModelSettings,
    Observation,
    SlotMethod,
    backtest,
    forecast,
    slot_methods,
)
from mess.headcount import expected
from mess.headcount.service import meal_counts
from mess.messes.repository import list_slots
from mess.messes.service import load_mess
from mess.models import Mess, Slot
from mess.reports import repository
from mess.reports.scope import ReportHeader, ReportParams, ReportScope, resolve_scope

HORIZON_DAYS = 7


@dataclass(frozen=True, slots=True)
class ForecastRow:
    date: dt.date
    slot: str
    expected: float
    low: float  # 80% interval
    high: float
    event: str | None
    method: str  # "bookings" where they are known (or "naive" if it beat them); else "model" or "naive"


@dataclass(frozen=True, slots=True)
class MethodRow:
    """Which method a slot uses and its backtest MAPE (%) next to the plain "same weekday last week" baseline."""

    slot: str
    method: str
    mape: float | None
    mape_model: float | None
    mape_naive: float | None
    # Meals whose bookings are known: the booking-based estimate's error on the slot's past meals, next to
    # "same weekday last week" on the same meals, and the method those meals use (bookings or naive).
    known_method: str
    mape_bookings: float | None
    mape_bookings_naive: float | None
    bookings_meals: int


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


@functools.lru_cache(maxsize=32)
def _model(
    history: tuple[Observation, ...], events: tuple[tuple[date, str], ...], first_day: date, settings: ModelSettings
) -> tuple[BacktestResult, tuple[ForecastPoint, ...], Mapping[str, SlotMethod]]:
    """The model's backtest, forecast and per-slot choice: a pure function of the history, the calendar and the
    settings, so kept per process by their content (exact: a changed rollup is a different key). The Forecast
    page asks for the report on every visit and every widget change (the meal picker); with this the report's
    own CPU on the demo seed fell from 47-72 ms to 38-41 ms a call once the expected-headcount histories are
    cached (mess.headcount.expected), and a first call no longer fits the model twice for two visitors."""
    calendar = dict(events)
    tested = backtest(history, calendar, settings=settings)
    points = forecast(history, calendar, start=first_day, days=HORIZON_DAYS, settings=settings, tested=tested)
    chosen = slot_methods(tested, sorted({o.slot for o in history}), settings.interval)
    return tested, tuple(points), MappingProxyType(chosen)


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
    slots = await _slots(session, scope)
    # Every slot's bookings history in one query, into the cache known_meals reads (the counter's and the kitchen
    # plan's too): a cold process read them slot by slot.
    learned: dict[int, expected.Learned] = {}
    if slots:
        mess = next(iter(slots.values()))[0]
        learned = await expected.slots_learning(session, mess, [slot for _, slot in slots.values()], first_day, now)
    data = [r for r in await repository.scope_rollups(session, scope) if not r.in_progress]
    # Plates (people through the counter and their guests): what the kitchen serves and the bookings predict.
    history = [Observation(r.day, scope.slot_code(r.slot_id), float(r.plates)) for r in data]
    tested, modelled_points, chosen = _model(tuple(history), tuple(sorted(events.items())), first_day, settings)
    points = list(modelled_points)
    order = {slot.code: i for i, slot in enumerate(scope.slots)}  # serving order, not alphabetical
    known = await known_meals(session, scope, first_day, now)
    points = [_with_bookings(p, known.get((p.day, p.slot))) for p in points]
    modelled = {(p.day, p.slot) for p in points}
    points += [  # too little history for the model, but the bookings are known
        ForecastPoint(day, slot, float(k.expected), float(k.low), float(k.high), events.get(day), k.method)
        for (day, slot), k in known.items()
        if (day, slot) not in modelled
    ]
    points.sort(key=lambda p: (p.day, order[p.slot]))
    booking_tests = {code: learned[slot.id].tested for code, (_, slot) in slots.items()}
    tested_points = sorted(tested.points, key=lambda p: (p.origin, p.day, order[p.slot]))
    return ForecastReport(
        header=ReportHeader.of(scope),
        first_day=first_day,
        points=[
            ForecastRow(p.day, p.slot, round(p.expected, 1), round(p.low, 1), round(p.high, 1), p.event, p.method)
            for p in points
        ],
        methods=[_method_row(m, booking_tests[m.slot]) for m in sorted(chosen.values(), key=lambda m: order[m.slot])],
        backtest=[BacktestRow(p.day, p.slot, p.horizon, p.actual, round(p.model, 1), p.naive) for p in tested_points],
        mape_model=None if tested.mape_model is None else round(tested.mape_model, 2),
        mape_naive=None if tested.mape_naive is None else round(tested.mape_naive, 2),
        improvement=None if tested.improvement is None else round(tested.improvement, 4),
        history_days=len({r.day for r in data}),
    )


def _mape(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _method_row(m: SlotMethod, tested: expected.Backtest) -> MethodRow:
    naive_wins = (
        tested.meals >= expected.MIN_TESTED
        and tested.mape is not None
        and tested.mape_naive is not None
        and tested.mape_naive < tested.mape
    )
    return MethodRow(
        m.slot,
        m.method,
        _mape(m.mape),
        _mape(m.mape_model),
        _mape(m.mape_naive),
        "naive" if naive_wins else "bookings",
        _mape(tested.mape),
        _mape(tested.mape_naive),
        tested.meals,
    )


async def _slots(session: AsyncSession, scope: ReportScope) -> dict[str, tuple[Mess, Slot]]:
    mess = await load_mess(session, scope.mess_id)
    wanted = set(scope.slot_ids)
    return {s.code: (mess, s) for s in await list_slots(session, scope.mess_id) if s.id in wanted}


async def known_meals(
    session: AsyncSession, scope: ReportScope, first_day: date, now: datetime
) -> dict[tuple[date, str], expected.Expected]:
    """The horizon's meals whose cutoff has passed, with their expected plates from their bookings (the same
    function and figures as the counter and the headcount API)."""
    out: dict[tuple[date, str], expected.Expected] = {}
    for code, (mess, slot) in (await _slots(session, scope)).items():
        for step in range(HORIZON_DAYS):
            day = first_day + timedelta(days=step)
            if cutoff_at(mess, slot, day) > now:
                break
            counts = await meal_counts(session, mess.id, day, slot.id)
            out[(day, code)] = await expected.expected_meal(
                session, mess, slot, day, now, booked=counts.total("booked"), guests=counts.total("guests")
            )
    return out


def _with_bookings(p: ForecastPoint, known: expected.Expected | None) -> ForecastPoint:
    if known is None:
        return p
    return replace(p, expected=float(known.expected), low=float(known.low), high=float(known.high), method=known.method)
