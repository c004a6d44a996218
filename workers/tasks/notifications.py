"""Notification tasks (PRODUCT 7.3): cutoff reminders on beat, and the outbox sent one delivery per task.

The rules are in mess/notifications; these only open units of work and retry. A delivery task is idempotent: it
claims its row before sending, so a retried or duplicated message sends once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import OperationalError

from mess.config import get_settings
from mess.db.engine import Database
from mess.kit.clock import utcnow
from mess.notifications.delivery import Channels, DeliveryRetry, deliver, queue_due
from mess.notifications.mail import get_notifier
from mess.notifications.push import load_keys
from mess.notifications.reminders import Reminded, send_due_reminders
from mess.queues import DELIVER_NOTIFICATION_TASK, DISPATCH_NOTIFICATIONS_TASK
from workers.celery_app import celery_app
from workers.tasks import run_async

log = logging.getLogger(__name__)
RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@lru_cache(maxsize=1)
def channels() -> Channels:
    settings = get_settings()
    return Channels(
        get_notifier(settings),
        load_keys(settings),
        settings.vapid_subject,
        settings.public_url,
        settings.push_endpoint_hosts,
    )


@celery_app.task(
    name=DELIVER_NOTIFICATION_TASK,
    autoretry_for=(DeliveryRetry, OperationalError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def deliver_notification(delivery_id: int) -> str:
    """One email or push, once: sent, skipped, postponed (quiet hours), taken (already done or held) or failed."""
    return run_async(lambda database: deliver(database, delivery_id, utcnow(), channels()))


def _queue(database_ids: list[int]) -> None:
    for delivery_id in database_ids:
        deliver_notification.delay(delivery_id)


@celery_app.task(name=DISPATCH_NOTIFICATIONS_TASK, **RETRY)
def dispatch_notifications() -> int:
    """Every minute (and when a request told someone something): queue a task per delivery that is due."""
    ids = run_async(lambda database: queue_due(database, utcnow()))
    _queue(ids)
    return len(ids)


@celery_app.task(name="workers.tasks.notifications.send_reminders", **RETRY)
def send_reminders() -> int:
    """Every 5 minutes: the cutoff reminders now due (each resident and meal once), then their deliveries."""
    lead = timedelta(minutes=get_settings().reminder_minutes_before_cutoff)

    async def work(database: Database) -> tuple[list[Reminded], list[int]]:
        async with database.transaction() as session:
            reminded = await send_due_reminders(session, utcnow(), lead)
        return reminded, await queue_due(database, utcnow())

    reminded, ids = run_async(work)
    for item in reminded:
        if item.residents:
            log.info("reminded %s residents of %s: %s", item.residents, item.mess_code, item.title)
    _queue(ids)
    return sum(item.residents for item in reminded)
