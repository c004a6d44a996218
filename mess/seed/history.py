"""Synthetic but realistic mess history: who books, skips, eats, walks in, buys extras, rates and wastes.

Patterns: weekends thin out breakfast; an exam fortnight fills the mess; a festival break empties it through
leaves; lunch and dinner are the big meals. Pure Python from a seeded RNG, so a seed is reproducible."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from mess.kit.dates import each_day, local_instant

DIETS = [("veg", 0.55), ("non_veg", 0.30), ("egg", 0.10), ("jain", 0.05)]
# Chance a resident cancels a meal they would default into, by slot (weekday, weekend).
CANCEL_RATE = {"breakfast": (0.10, 0.30), "lunch": (0.06, 0.12), "snacks": (0.15, 0.25), "dinner": (0.05, 0.10)}
# Chance a booked resident actually turns up, by slot.
SHOW_RATE = {"breakfast": 0.72, "lunch": 0.88, "snacks": 0.80, "dinner": 0.90}
# ... times this by weekday (Mon..Sun): Friday and Saturday evenings out, lazy weekend mornings.
WEEKDAY_SHOW = {
    "breakfast": (1.0, 1.0, 0.99, 0.98, 0.95, 0.80, 0.78),
    "lunch": (1.0, 1.0, 1.0, 0.99, 0.96, 0.90, 0.92),
    "snacks": (1.0, 0.99, 1.0, 0.98, 0.92, 0.88, 0.90),
    "dinner": (1.0, 1.0, 1.0, 0.99, 0.90, 0.84, 1.02),
}
# A public holiday: many cancel (home for the day); the rest drift out of the mess too.
HOLIDAY_CANCEL = 0.55
WALK_IN_RATE = 0.04
GUEST_RATE = 0.02
EXTRA_RATE = 0.06
FEEDBACK_RATE = 0.04


@dataclass
class Calendar:
    """The special periods of the demo semester."""

    start: date
    end: date
    exam: tuple[date, date] = field(init=False)
    festival: tuple[date, date] = field(init=False)
    holidays: tuple[date, ...] = field(init=False)

    def __post_init__(self) -> None:
        span = (self.end - self.start).days
        self.festival = (
            self.start + timedelta(days=int(span * 0.35)),
            self.start + timedelta(days=int(span * 0.35) + 4),
        )
        self.exam = (self.start + timedelta(days=int(span * 0.7)), self.start + timedelta(days=int(span * 0.7) + 12))
        # One-day public holidays, about one a fortnight, on weekdays.
        self.holidays = tuple(
            d for d in (self.start + timedelta(days=k) for k in range(9, span, 16)) if d.weekday() < 5
        )

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays

    def in_exam(self, day: date) -> bool:
        return self.exam[0] <= day <= self.exam[1]

    def in_festival(self, day: date) -> bool:
        return self.festival[0] <= day <= self.festival[1]


def pick_diet(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for diet, share in DIETS:
        total += share
        if roll < total:
            return diet
    return "veg"


@dataclass
class ResidentPlan:
    index: int
    roll_no: str
    diet: str
    active_from: date
    active_to: date | None


def plan_residents(rng: random.Random, count: int, cal: Calendar) -> list[ResidentPlan]:
    plans = []
    span = max((cal.end - cal.start).days, 1)
    for i in range(count):
        active_from = cal.start - timedelta(days=rng.randint(30, 400))
        active_to = None
        if rng.random() < 0.05:  # joins mid-semester
            active_from = cal.start + timedelta(days=rng.randint(1, span))
        elif rng.random() < 0.03:  # leaves the hostel
            active_to = cal.start + timedelta(days=rng.randint(1, span))
        plans.append(ResidentPlan(i, f"R{i + 1:04d}", pick_diet(rng), active_from, active_to))
    return plans


def plan_leaves(rng: random.Random, plan: ResidentPlan, cal: Calendar, today: date) -> list[tuple[date, date, str]]:
    """(start, end, status) of a resident's leaves; at most one in each stretch so they never overlap."""
    leaves: list[tuple[date, date, str]] = []
    if rng.random() < 0.45:  # goes home for the festival
        start = cal.festival[0] - timedelta(days=rng.randint(0, 2))
        leaves.append((start, cal.festival[1] + timedelta(days=rng.randint(0, 2)), "approved"))
    if rng.random() < 0.25:  # a personal trip early in the semester
        start = cal.start + timedelta(days=rng.randint(0, max((cal.festival[0] - cal.start).days - 8, 1)))
        end = start + timedelta(days=rng.randint(1, 5))
        if end < cal.festival[0] - timedelta(days=3):
            leaves.append((start, end, rng.choice(["approved", "approved", "approved", "rejected"])))
    if rng.random() < 0.08:  # asks for leave next week; the warden has not decided yet
        start = today + timedelta(days=rng.randint(3, 6))
        leaves.append((start, start + timedelta(days=rng.randint(2, 4)), "pending"))
    return leaves


def covered(leaves: list[tuple[date, date, str]], day: date) -> bool:
    return any(start <= day <= end and status == "approved" for start, end, status in leaves)


@dataclass
class MealSlot:
    id: int
    code: str
    serve_start: time
    serve_end: time


def meal_events(
    rng: random.Random,
    plan: ResidentPlan,
    resident_id: int,
    leaves: list[tuple[date, date, str]],
    slots: list[MealSlot],
    cal: Calendar,
    today: date,
    tz: str,
    mess_id: int,
    now: datetime,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Rows (table, values) for one resident's history: explicit bookings, check-ins, extras, feedback."""
    first = max(cal.start, plan.active_from)
    last = min(cal.end, plan.active_to) if plan.active_to else cal.end
    for day in each_day(first, last):
        if covered(leaves, day):
            continue
        weekend = day.weekday() >= 5
        for slot in slots:
            cancel = CANCEL_RATE.get(slot.code, (0.1, 0.2))[1 if weekend else 0]
            if cal.in_exam(day):
                cancel *= 0.4
            if cal.is_holiday(day):
                cancel = max(cancel, HOLIDAY_CANCEL)
            booked = rng.random() >= cancel
            guests = 0
            if booked and rng.random() < GUEST_RATE * (2.5 if weekend else 1):
                guests = rng.randint(1, 2)
            if not booked or guests:
                yield (
                    "booking",
                    {
                        "mess_id": mess_id,
                        "resident_id": resident_id,
                        "meal_date": day,
                        "slot_id": slot.id,
                        "status": "booked" if booked else "cancelled",
                        "guests": guests,
                        "updated_at": now,
                        "updated_by": None,
                    },
                )
            served = local_instant(day, slot.serve_start, tz)
            if served + timedelta(minutes=10) > now:
                continue  # the future: booked, not yet eaten
            show = SHOW_RATE.get(slot.code, 0.85) * WEEKDAY_SHOW.get(slot.code, (1.0,) * 7)[day.weekday()]
            show *= (1.05 if cal.in_exam(day) else 1.0) * (0.85 if cal.is_holiday(day) else 1.0)
            ate = rng.random() < show if booked else rng.random() < WALK_IN_RATE
            if ate:
                yield (
                    "checkin",
                    {
                        "mess_id": mess_id,
                        "resident_id": resident_id,
                        "roll_no": plan.roll_no,
                        "meal_date": day,
                        "slot_id": slot.id,
                        "result": "ok" if booked else "not_booked",
                        "admitted": True,
                        "walk_in": not booked,
                        "method": "qr" if rng.random() < 0.6 else "roll_no",
                        "created_at": served + timedelta(minutes=rng.randint(0, 90)),
                        "created_by": None,
                    },
                )
                if rng.random() < FEEDBACK_RATE:
                    rating = max(1, min(5, round(rng.gauss(3.8 if slot.code != "breakfast" else 3.4, 0.9))))
                    yield (
                        "feedback",
                        {
                            "mess_id": mess_id,
                            "resident_id": resident_id,
                            "meal_date": day,
                            "slot_id": slot.id,
                            "rating": rating,
                            "comment": rng.choice(
                                ["", "", "", "Tasty", "Too salty", "Cold", "More please", "Loved it"]
                            ),
                            "created_at": served + timedelta(hours=2),
                        },
                    )
        if day < today and rng.random() < EXTRA_RATE:
            yield "extra", {"resident_id": resident_id, "purchase_date": day, "quantity": rng.randint(1, 3)}
