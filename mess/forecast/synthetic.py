"""Attendance with a known truth: a hostel mess's patterns as numbers, for the forecast (docs/analytics.md)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from mess.forecast.model import Observation
from mess.kit.dates import each_day

SLOTS = ("breakfast", "lunch", "snacks", "dinner")


@dataclass(frozen=True)
class AttendancePattern:
    # Share of residents eating on an ordinary Monday at the start of a term.
    base_rate: dict[str, float] = field(
        default_factory=lambda: {"breakfast": 0.62, "lunch": 0.78, "snacks": 0.50, "dinner": 0.86}
    )
    # Monday..Sunday: weekends thin out breakfast and lunch (late risers, eating out); Sunday dinner is special.
    weekday_factor: dict[str, tuple[float, ...]] = field(
        default_factory=lambda: {
            "breakfast": (1.00, 1.00, 0.99, 1.00, 0.96, 0.74, 0.66),
            "lunch": (1.00, 1.02, 1.00, 1.01, 0.95, 0.80, 0.86),
            "snacks": (1.00, 1.00, 1.01, 1.00, 0.92, 0.84, 0.80),
            "dinner": (1.00, 1.00, 1.00, 1.00, 0.90, 0.78, 1.06),
        }
    )
    # Holidays empty the mess; exams keep students in, except at breakfast after a night of revision.
    event_factor: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "holiday": {"breakfast": 0.40, "lunch": 0.50, "snacks": 0.45, "dinner": 0.55},
            "exam": {"breakfast": 0.88, "lunch": 1.06, "snacks": 1.10, "dinner": 1.08},
        }
    )
    # Participation drifts down through a term (novelty wears off, eating out grows): per day since term start.
    term_drift_per_day: float = -0.0008
    term_starts: tuple[tuple[int, int], ...] = ((1, 2), (7, 20))  # (month, day): January and July terms
    no_show: dict[str, float] = field(
        default_factory=lambda: {"breakfast": 0.22, "lunch": 0.10, "snacks": 0.18, "dinner": 0.08}
    )
    # Day-level shocks (weather, a cricket final, a bad menu) on top of each resident's own coin flip.
    day_noise: float = 0.05


DEFAULT_PATTERN = AttendancePattern()

# Fixed-date holidays (month, day, length in days); festival dates move each year, these are typical.
_HOLIDAYS = ((1, 1, 1), (1, 26, 1), (3, 14, 2), (4, 14, 1), (8, 15, 1), (10, 2, 1), (10, 20, 4), (12, 24, 8))
# Exam weeks (month, day, length): mid-term and end-term of both terms.
_EXAMS = ((2, 23, 7), (4, 27, 12), (9, 21, 7), (11, 23, 12))


def academic_calendar(start: date, end: date) -> dict[date, str]:
    """Holidays and exam days between start and end (inclusive); a holiday inside an exam period wins."""
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for kind, periods in (("exam", _EXAMS), ("holiday", _HOLIDAYS)):
            for month, day, length in periods:
                first = date(year, month, day)
                for offset in range(length):
                    when = first + timedelta(days=offset)
                    if start <= when <= end:
                        out[when] = kind
    return out


def _term_start(day: date, pattern: AttendancePattern) -> date:
    starts = sorted(date(year, m, d) for year in (day.year - 1, day.year) for m, d in pattern.term_starts)
    return max(s for s in starts if s <= day)


def attendance_rate(
    day: date, slot: str, event: str | None = None, pattern: AttendancePattern = DEFAULT_PATTERN
) -> float:
    """The true expected share (0..1) of active residents who eat `slot` on `day`."""
    if slot not in pattern.base_rate:
        raise ValueError(f"no pattern for slot {slot!r}; known: {', '.join(pattern.base_rate)}")
    rate = pattern.base_rate[slot] * pattern.weekday_factor[slot][day.weekday()]
    rate *= 1.0 + pattern.term_drift_per_day * (day - _term_start(day, pattern)).days
    if event is not None:
        rate *= pattern.event_factor.get(event, {}).get(slot, 1.0)
    return min(max(rate, 0.0), 1.0)


def no_show_rate(slot: str, pattern: AttendancePattern = DEFAULT_PATTERN) -> float:
    return pattern.no_show.get(slot, 0.1)


@dataclass(frozen=True, slots=True)
class SyntheticMeal:
    day: date
    slot: str
    event: str | None
    expected: float  # the truth: residents x attendance_rate
    served: int  # what a counter would have recorded


def generate_attendance(
    start: date,
    end: date,
    residents: int,
    *,
    seed: int = 7,
    slots: tuple[str, ...] = SLOTS,
    pattern: AttendancePattern = DEFAULT_PATTERN,
    calendar: dict[date, str] | None = None,
) -> list[SyntheticMeal]:
    """A served-count series per (day, slot): a day-level shock times each resident's own coin flip."""
    if end < start:
        raise ValueError("end must not be before start")
    if residents < 0:
        raise ValueError("residents must not be negative")
    rng = random.Random(seed)  # nosec B311 - reproducible synthetic data, not security
    calendar = academic_calendar(start, end) if calendar is None else calendar
    meals = []
    for day in each_day(start, end):
        event = calendar.get(day)
        for slot in slots:
            truth = residents * attendance_rate(day, slot, event, pattern)
            shocked = min(1.0, attendance_rate(day, slot, event, pattern) * math.exp(rng.gauss(0, pattern.day_noise)))
            # Normal approximation of Binomial(residents, shocked): fast and close enough above ~30 residents.
            sd = math.sqrt(residents * shocked * (1.0 - shocked))
            served = round(residents * shocked + rng.gauss(0, 1) * sd)
            meals.append(SyntheticMeal(day, slot, event, truth, min(max(served, 0), residents)))
    return meals


def as_observations(meals: list[SyntheticMeal]) -> list[Observation]:
    return [Observation(m.day, m.slot, float(m.served)) for m in meals]
