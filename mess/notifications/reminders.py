"""Booking reminders: in an opt_in mess, who is told to book which meal, and when."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.bookings.service import cutoff_at
from mess.kit.dates import local_today
from mess.messes.repository import list_messes, list_slots
from mess.notifications import repository

REMINDER_TICK = timedelta(minutes=5)
DAYS_AHEAD = 3  # today and the next two days: a cutoff is at most a few days before its meal


class Reminder(NamedTuple):
    email: str
    subject: str
    body: str


def tick_window(now: datetime, lead: timedelta) -> tuple[datetime, datetime]:
    """[t + lead, t + lead + 5 min) with t = now rounded down to 5 minutes: each cutoff lands in one tick."""
    tick = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5)
    return tick + lead, tick + lead + REMINDER_TICK


async def due_reminders(session: AsyncSession, now: datetime, lead: timedelta) -> list[Reminder]:
    """A reminder for every resident who has not chosen for a meal of an opt_in mess whose cutoff falls in this
    tick's window, so one reminder per resident and meal when the task runs every 5 minutes."""
    window_start, window_end = tick_window(now, lead)
    out = []
    for mess in await list_messes(session):
        if mess.booking_mode != "opt_in":
            continue
        today = local_today(now, mess.timezone)
        for slot in await list_slots(session, mess.id):
            for day in (today + timedelta(days=n) for n in range(DAYS_AHEAD)):
                closes = cutoff_at(mess, slot, day)
                if not window_start <= closes < window_end:
                    continue
                when = text.moment(closes, mess.timezone, today)
                subject = f"Book {slot.name} on {text.day(day, today)} before {when}"
                for email, name in await repository.unchosen_residents(session, mess.id, slot.id, day):
                    body = f"Hello {name}, you have not booked {slot.name} on {text.day(day, today)} at {mess.name}. "
                    body += "Booking closes at the cutoff; after that only the warden can change it."
                    out.append(Reminder(email, subject, body))
    return out
