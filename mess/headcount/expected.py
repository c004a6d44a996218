"""Expected plates of one meal, from its bookings: the one number the counter, the headcount API, the forecast
and the kitchen plan show for a meal whose bookings are known (PRODUCT 7.5; docs/analytics.md).

    expected = booked x show rate (learned by slot and weekday) + expected walk-ins (by slot and weekday) + guests

Bookings are known once the meal's cutoff has passed (nobody can book or cancel any more). Before that the
number is provisional (`bookings_known` False) and the forecast uses its time-series model instead.

The learning is over the slot's meals of the HISTORY_DAYS days before the day asked for (never today or later:
an unfinished meal teaches nothing) that have a headcount frozen at their cutoff and at least one admission at
the counter. A weekday's rate is shrunk towards the slot's rate by PRIOR_MEALS meals' worth of it, so a weekday
with little history follows the slot. The bounds are the 10%/90% quantiles of the method's own relative errors
on that history (each past meal estimated from the meals before it); low <= expected <= high always.

The same history also backtests the method against "same weekday last week": when the booking-based estimate
has the larger error on the slot's history, the meal's expected plates are last week's (method "naive"), so what
is shown is never worse than the baseline in its own backtest."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.service import cutoff_at
from mess.headcount import repository
from mess.kit import caches
from mess.kit.dates import local_today
from mess.models import Mess, Slot

HISTORY_DAYS = 56  # eight of each weekday
PRIOR_MEALS = 2.0  # a weekday's rate starts as the slot's, weighed as two meals
MIN_TESTED = 7  # meals the backtest needs before it may overrule the booking-based estimate
INTERVAL = (0.1, 0.9)
HISTORY_TTL = 600.0
_histories: WeakKeyDictionary[Any, dict[tuple[int, int, date], tuple[float, Learned]]] = WeakKeyDictionary()
caches.forgettable(_histories.clear)


@dataclass(frozen=True, slots=True)
class PastMeal:
    """One ended meal of the slot: its frozen headcount and what the counter recorded."""

    day: date
    booked: int  # frozen at the cutoff
    guests: int  # frozen at the cutoff
    came: int  # booked residents admitted
    walk_ins: int

    @property
    def plates(self) -> int:
        return self.came + self.walk_ins + self.guests


@dataclass(frozen=True, slots=True)
class Expected:
    """A meal's expected plates and its parts. `expected` = round(shows + walk_ins + guests) for "bookings"."""

    day: date
    booked: int
    show_rate: float  # the slot's weekday rate (1.0 with no history)
    shows: float  # booked x show_rate
    walk_ins: float  # expected walk-ins
    guests: int  # booked guests
    expected: int
    low: int
    high: int
    method: str  # "bookings", or "naive" when same weekday last week beat it on the slot's history
    bookings_known: bool  # the cutoff has passed: no booking can change any more
    meals: int  # past meals learned from
    mape: float | None  # the booking-based estimate's backtest error (%) on those meals
    mape_naive: float | None  # "same weekday last week" on the same meals


@dataclass(frozen=True, slots=True)
class Rates:
    show_rate: float
    walk_ins: float


def learned(history: Sequence[PastMeal], weekday: int) -> Rates:
    """The show rate and walk-ins of a weekday, shrunk towards the slot's (1.0 and 0 without history)."""
    booked = sum(m.booked for m in history)
    if not history or not booked:
        return Rates(1.0, sum(m.walk_ins for m in history) / len(history) if history else 0.0)
    slot_rate = sum(m.came for m in history) / booked
    slot_walk_ins = sum(m.walk_ins for m in history) / len(history)
    same = [m for m in history if m.day.weekday() == weekday]
    prior = PRIOR_MEALS * booked / len(history)  # two average meals' bookings
    rate = (sum(m.came for m in same) + prior * slot_rate) / (sum(m.booked for m in same) + prior)
    walk_ins = (sum(m.walk_ins for m in same) + PRIOR_MEALS * slot_walk_ins) / (len(same) + PRIOR_MEALS)
    return Rates(rate, walk_ins)


def point(booked: int, guests: int, day: date, history: Sequence[PastMeal]) -> float:
    rates = learned(history, day.weekday())
    return booked * rates.show_rate + rates.walk_ins + guests


@dataclass(frozen=True, slots=True)
class Backtest:
    """The booking-based estimate of each past meal from the meals before it, next to same weekday last week."""

    relative_errors: list[float]  # (actual - estimate) / estimate, for the interval
    mape: float | None
    mape_naive: float | None
    meals: int  # meals scored (each with a meal a week before it)


def backtest(history: Sequence[PastMeal]) -> Backtest:
    ordered = sorted(history, key=lambda m: m.day)
    by_day = {m.day: m for m in ordered}
    errors: list[float] = []
    ours: list[float] = []
    naive: list[float] = []
    for i, meal in enumerate(ordered):
        before = ordered[:i]
        if not before:
            continue
        estimate = point(meal.booked, meal.guests, meal.day, before)
        if estimate > 0:
            errors.append((meal.plates - estimate) / estimate)
        last_week = by_day.get(meal.day - timedelta(days=7))
        if last_week is not None and meal.plates > 0:
            ours.append(abs(meal.plates - estimate) / meal.plates)
            naive.append(abs(meal.plates - last_week.plates) / meal.plates)
    return Backtest(
        relative_errors=errors,
        mape=100.0 * sum(ours) / len(ours) if ours else None,
        mape_naive=100.0 * sum(naive) / len(naive) if naive else None,
        meals=len(ours),
    )


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True, slots=True)
class Learned:
    """A slot's past meals and the estimator's backtest on them (computed once per cached history)."""

    meals: tuple[PastMeal, ...]
    tested: Backtest


def estimate(
    booked: int,
    guests: int,
    day: date,
    history: Sequence[PastMeal],
    *,
    bookings_known: bool = True,
    tested: Backtest | None = None,
) -> Expected:
    """The expected plates of the meal of `day` with `booked` residents and `guests` booked, from the slot's
    past meals (those before `day` only). Pure: the kitchen plan's arithmetic test computes it by hand.
    `tested`: the backtest of exactly these meals when the caller has it already (slot_learning)."""
    history = [m for m in history if m.day < day]
    rates = learned(history, day.weekday())
    shows = booked * rates.show_rate
    value = shows + rates.walk_ins + guests
    tested = tested if tested is not None else backtest(history)
    method = "bookings"
    last_week = next((m for m in history if m.day == day - timedelta(days=7)), None)
    if (
        last_week is not None
        and tested.meals >= MIN_TESTED
        and tested.mape is not None
        and tested.mape_naive is not None
        and tested.mape_naive < tested.mape
    ):
        method, value = "naive", float(last_week.plates)
    expected = math.floor(value + 0.5)
    if len(tested.relative_errors) >= 4:
        low_q, high_q = (_quantile(tested.relative_errors, q) for q in INTERVAL)
        low = math.floor(value * (1.0 + min(low_q, 0.0)))
        high = math.ceil(value * (1.0 + max(high_q, 0.0)))
    else:  # nothing to learn the spread from: between the estimate and everyone booked coming
        low, high = expected, max(expected, math.ceil(booked + rates.walk_ins + guests))
    low, high = min(max(low, 0), expected), max(high, expected)
    return Expected(
        day=day,
        booked=booked,
        show_rate=round(rates.show_rate, 4),
        shows=round(shows, 2),
        walk_ins=round(rates.walk_ins, 2),
        guests=guests,
        expected=expected,
        low=low,
        high=high,
        method=method,
        bookings_known=bookings_known,
        meals=len(history),
        mape=None if tested.mape is None else round(tested.mape, 2),
        mape_naive=None if tested.mape_naive is None else round(tested.mape_naive, 2),
    )


async def slot_learning(session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime) -> Learned:
    """The slot's ended meals of the HISTORY_DAYS days before `day` (and before today) and their backtest, cached
    for HISTORY_TTL seconds per process and database engine: past meals hardly change during a day, and the
    counter asks every 2 seconds."""
    return (await slots_learning(session, mess, [slot], day, now))[slot.id]


async def slots_learning(
    session: AsyncSession, mess: Mess, slots: Sequence[Slot], day: date, now: datetime
) -> dict[int, Learned]:
    """slot_learning of several slots of the mess, by slot id; the histories not cached are read in one query
    (the forecast asks for every slot at once: one query instead of one per slot on a cold process)."""
    end = min(day, local_today(now, mess.timezone)) - timedelta(days=1)
    cache = _histories.setdefault(session.get_bind(), {})
    out: dict[int, Learned] = {}
    for slot in slots:
        hit = cache.get((mess.id, slot.id, end))
        if hit is not None and hit[0] > time.monotonic():
            out[slot.id] = hit[1]
    missing = [slot.id for slot in slots if slot.id not in out]
    if not missing:
        return out
    start = end - timedelta(days=HISTORY_DAYS - 1)
    histories = await repository.meal_histories(session, mess.id, missing, start, end)
    if len(cache) > 10_000:
        cache.clear()
    expires = time.monotonic() + HISTORY_TTL
    for slot_id in missing:
        meals = tuple(PastMeal(*row) for row in histories.get(slot_id, []))
        out[slot_id] = found = Learned(meals, backtest(meals))
        cache[(mess.id, slot_id, end)] = (expires, found)
    return out


async def slot_history(session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime) -> list[PastMeal]:
    return list((await slot_learning(session, mess, slot, day, now)).meals)


async def expected_meal(
    session: AsyncSession, mess: Mess, slot: Slot, day: date, now: datetime, *, booked: int, guests: int
) -> Expected:
    """The expected plates of one meal with its current `booked` residents and `guests` (the headcount's
    counts): the one function behind every "expected" of a meal."""
    found = await slot_learning(session, mess, slot, day, now)
    known = cutoff_at(mess, slot, day) <= now
    return estimate(booked, guests, day, found.meals, bookings_known=known, tested=found.tested)


def clear_cache() -> None:
    """Forget the histories (tests that rewrite the past call it)."""
    for cache in list(_histories.values()):
        cache.clear()
