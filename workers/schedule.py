"""The one named beat schedule, and the scheduler that reports beat's heartbeat."""

from __future__ import annotations

import time
from typing import Any

from celery.beat import PersistentScheduler
from celery.schedules import crontab

from workers.metrics import BEAT_HEARTBEAT

MESS_SCHEDULE = "mess-schedule"


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Every entry is idempotent: a tick that runs twice, or late, does no harm."""
    return {
        # Bills the previous month for every mess whose local time is past 02:00 on the 1st and that has no run.
        "bill-previous-month": {"task": "workers.tasks.billing.bill_due_months", "schedule": crontab(minute="*/15")},
        "freeze-headcounts": {"task": "workers.tasks.operations.freeze_headcounts", "schedule": crontab()},
        "daily-rollups": {"task": "workers.tasks.operations.refresh_rollups", "schedule": crontab(minute="*/10")},
        "booking-reminders": {"task": "workers.tasks.notifications.send_reminders", "schedule": crontab(minute="*/5")},
        # The outbox: deliveries due (quiet hours over, a lost message, a request's wake-up that never came).
        "deliver-notifications": {
            "task": "workers.tasks.notifications.dispatch_notifications",
            "schedule": crontab(),
        },
    }


class MessScheduler(PersistentScheduler):
    """Celery's persistent scheduler plus a heartbeat gauge set on every tick (alert: MessBeatDown)."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        BEAT_HEARTBEAT.set(time.time())
        interval: float = super().tick(*args, **kwargs)
        # Tick at least every 30 s so the heartbeat stays fresh between the minute entries.
        return min(interval, 30.0)
