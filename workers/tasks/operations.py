"""Operational beat tasks: freeze headcounts at cutoff, refresh daily rollups, remind residents before cutoff."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import OperationalError

from mess.config import get_settings
from mess.db.engine import Database
from mess.kit.clock import utcnow
from mess.messes.repository import list_messes
from mess.notifications.mail import get_notifier
from mess.notifications.reminders import Reminder, due_reminders
from mess.rollups.service import rebuild_recent
from workers.celery_app import celery_app
from workers.tasks import run_async

log = logging.getLogger(__name__)
RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


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


@celery_app.task(name="workers.tasks.operations.send_reminders", **RETRY)
def send_reminders() -> int:
    settings = get_settings()
    lead = timedelta(minutes=settings.reminder_minutes_before_cutoff)

    async def work(database: Database) -> list[Reminder]:
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
