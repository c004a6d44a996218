"""Cutoff reminders (PRODUCT 7.3): who is reminded of which meal, and when, in the mess's local time.

A meal's reminder is due from `lead` before its cutoff until the cutoff. Beat runs the check every 5 minutes; the
first tick inside that span tells each resident once (the inbox row's unique (user, event) key), so a tick run
twice, or late after a worker was down, tells nobody twice. opt_in: residents who have made no choice (not booked,
not on leave) are asked to book; opt_out: residents who are booked are told until when they can cancel.
Residents who turned reminders off are not reminded; email and push are not sent after the cutoff.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.bookings.service import cutoff_at
from mess.kit.dates import local_today, zone
from mess.messes.repository import list_messes, list_slots
from mess.models import Mess, Slot
from mess.notifications import repository
from mess.notifications.events import tell

DAYS_AHEAD = 3  # today and the next two days: a cutoff is at most a few days before its meal


class Reminded(NamedTuple):
    mess_code: str
    event_key: str
    title: str
    residents: int


def wording(mess: Mess, slot: Slot, day_label: str, closes: datetime, now: datetime) -> tuple[str, str]:
    today = local_today(now, mess.timezone)
    when = text.moment(closes, mess.timezone, today)
    same_day = closes.astimezone(zone(mess.timezone)).date() == today
    short = text.clock_time(closes.astimezone(zone(mess.timezone))) if same_day else when
    meal = f"{slot.name} on {day_label}"
    if mess.booking_mode == "opt_in":
        title = f"Book {meal} before {when}"
        body = f"You have not booked {meal} at {mess.name}. Booking closes at {when}; "
        body += "after that only the warden can change it."
    else:
        title = f"{meal}: cancel by {short}"
        body = f"You are booked for {meal} at {mess.name}. "
        body += f"Not eating? Cancel by {when}; after that the meal is charged."
    return title, body


async def send_due_reminders(session: AsyncSession, now: datetime, lead: timedelta) -> list[Reminded]:
    """Tell every resident to be reminded of a meal whose cutoff is at most `lead` away and not yet passed."""
    out = []
    for mess in await list_messes(session):
        today = local_today(now, mess.timezone)
        for slot in await list_slots(session, mess.id):
            for day in (today + timedelta(days=n) for n in range(DAYS_AHEAD)):
                closes = cutoff_at(mess, slot, day)
                if not closes - lead <= now < closes:
                    continue
                title, body = wording(mess, slot, text.day(day, today), closes, now)
                event_key = f"reminder:{day.isoformat()}:{slot.id}"
                recipients = repository.reminder_recipients(mess.id, mess.booking_mode == "opt_out", slot.id, day)
                added = await tell(
                    session,
                    recipients,
                    mess_id=mess.id,
                    event_key=event_key,
                    kind="reminder",
                    title=title,
                    body=body,
                    link=f"/week?start={day.isoformat()}",
                    now=now,
                    expires_at=closes,
                )
                out.append(Reminded(mess.code, event_key, title, added))
    return out
