"""Operational beat tasks: freeze headcounts at cutoff, refresh daily rollups."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import OperationalError

from mess.db.engine import Database
from mess.kit.clock import utcnow
from mess.messes.repository import list_messes
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
    """The reminders moved to workers.tasks.notifications; a message of the old name still in a queue (or an old
    beat) runs the new task."""
    from workers.tasks.notifications import send_reminders as current

    return int(current())
