"""Serving windows in the mess's local time: which meal is being served now, or comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mess.errors import ErrorCode, NotFound
from mess.kit.dates import local_instant, local_today
from mess.models import Mess, Slot


@dataclass(frozen=True, slots=True)
class Meal:
    """One (date, slot) of a mess with its serving window as UTC instants."""

    day: date
    slot: Slot
    opens_at: datetime
    closes_at: datetime

    def state(self, now: datetime) -> str:
        """'upcoming' before the window, 'open' inside it (start inclusive, end exclusive), 'over' after."""
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "over"


def meal(mess: Mess, slot: Slot, day: date) -> Meal:
    return Meal(
        day=day,
        slot=slot,
        opens_at=local_instant(day, slot.serve_start, mess.timezone),
        closes_at=local_instant(day, slot.serve_end, mess.timezone),
    )


def current_or_next_meal(mess: Mess, slots: list[Slot], now: datetime) -> Meal | None:
    """The meal whose window contains now, else the next one to open (today or tomorrow, local time)."""
    if not slots:
        return None
    today = local_today(now, mess.timezone)
    for day in (today, today + timedelta(days=1)):
        for slot in sorted(slots, key=lambda s: (s.serve_start, s.position, s.id)):
            candidate = meal(mess, slot, day)
            if candidate.state(now) != "over":
                return candidate
    return None  # unreachable: tomorrow's first meal is always ahead of now


def choose_meal(mess: Mess, slots: list[Slot], day: date | None, slot_code: str | None, now: datetime) -> Meal:
    """The named meal (`slots` then holds the slot of that code, or nothing), or the current or next meal of the
    mess when no slot is named (`slots` holds all of them)."""
    if slot_code is None:
        found = current_or_next_meal(mess, slots, now)
        if found is None:
            raise NotFound("this mess has no meal slots yet", ErrorCode.UNKNOWN_SLOT)
        return found
    named = [slot for slot in slots if slot.code == slot_code]
    if not named:
        raise NotFound(f"this mess has no slot {slot_code!r}", ErrorCode.UNKNOWN_SLOT)
    return meal(mess, named[0], day or local_today(now, mess.timezone))
