"""Operational beat tasks: freeze headcounts at cutoff, refresh daily rollups, remind residents before cutoff."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.repository import effective_bookings
from mess.bookings.service import cutoff_at
from mess.config import get_settings
from mess.db.engine import Database
from mess.kit.clock import utcnow
from mess.kit.dates import local_today
from mess.messes.repository import list_messes, list_slots
from mess.models import Mess, Resident, Slot
from mess.rollups.service import rebuild_recent
from workers.celery_app import celery_app
from workers.notifier import get_notifier
from workers.tasks import run_async

log = logging.getLogger(__name__)
RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 5,
}
REMINDER_TICK = timedelta(minutes=5)


@celery_app.task(name="workers.tasks.operations.freeze_headcounts", **RETRY)
def freeze_headcounts() -> int:
    """Every minute: snapshot, by diet, every meal whose cutoff has passed (idempotent: frozen once)."""
    from mess.headcount.service import freeze_due_meals

    async def work(database: Database) -> int:
        async with database.transaction() as session:
            return await freeze_due_meals(session, utcnow())

    return run_async(work)


@celery_app.task(name="workers.tasks.operations.refresh_rollups", **RETRY)
def refresh_rollups() -> int:
    """Every 10 minutes: today's and yesterday's rollups of every mess (each mess in its own transaction)."""

    async def work(database: Database) -> int:
        async with database.read_only() as session:
            mess_ids = [mess.id for mess in await list_messes(session)]
        rows = 0
        for mess_id in mess_ids:
            async with database.transaction() as session:
                rows += await rebuild_recent(session, mess_id, utcnow())
        return rows

    return run_async(work)


async def reminder_recipients(session: AsyncSession, mess: Mess, slot: Slot, day: Any) -> list[tuple[str, str]]:
    """Residents of an opt_in mess who have made no choice for the meal (booked nothing, cancelled nothing) and
    are not on leave: the people who would otherwise miss it."""
    meal = effective_bookings(mess.id, False, day, day, slot_id=slot.id).order_by(None).subquery("meal")
    query = (
        select(Resident.email, Resident.name)
        .join(meal, meal.c.resident_id == Resident.id)
        .where(meal.c.source == "default", meal.c.booked != true())
        .order_by(Resident.id)
    )
    return [(row.email, row.name) for row in (await session.execute(query)).all()]


async def due_reminders(session: AsyncSession, now: datetime, lead: timedelta) -> list[tuple[str, str, str]]:
    """(email, subject, body) for every meal whose cutoff falls in this tick's window [t + lead, t + lead + 5 min),
    t = now rounded down to 5 minutes: each meal lands in exactly one tick, so one reminder per meal."""
    tick = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5)
    window_start, window_end = tick + lead, tick + lead + REMINDER_TICK
    out = []
    for mess in await list_messes(session):
        if mess.booking_mode != "opt_in":
            continue
        today = local_today(now, mess.timezone)
        for slot in await list_slots(session, mess.id):
            for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
                closes = cutoff_at(mess, slot, day)
                if not window_start <= closes < window_end:
                    continue
                subject = f"Book {slot.name} on {day.isoformat()} before {closes.strftime('%H:%M UTC')}"
                for email, name in await reminder_recipients(session, mess, slot, day):
                    body = f"Hello {name}, you have not booked {slot.name} on {day.isoformat()} at {mess.name}. "
                    body += "Booking closes at the cutoff; after that only the warden can change it."
                    out.append((email, subject, body))
    return out


@celery_app.task(name="workers.tasks.operations.send_reminders", **RETRY)
def send_reminders() -> int:
    settings = get_settings()
    lead = timedelta(minutes=settings.reminder_minutes_before_cutoff)

    async def work(database: Database) -> list[tuple[str, str, str]]:
        async with database.read_only() as session:
            return await due_reminders(session, utcnow(), lead)

    messages = run_async(work)
    notifier = get_notifier(settings)
    for email, subject, body in messages:
        try:
            notifier.send(email, subject, body)
        except Exception as exc:
            log.warning("reminder to %s failed: %s", email, exc)
    return len(messages)
