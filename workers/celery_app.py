"""The Celery app of the workers and beat: Redis (MESS_REDIS_URL) or, with none, the embedded SQLite broker.

Every task is idempotent and carries ids; acks_late + reject_on_worker_lost mean a worker killed mid-task gives
its message back to the queue instead of losing it.
"""

from __future__ import annotations

import os
import tempfile

from celery import Celery

import workers.metrics  # its signal handlers (task metrics, metrics servers) register on import
import workers.observability  # noqa: F401  # logging setup and each task's log context, by signals
from mess.config import get_settings
from mess.queues import DEFAULT_QUEUE, TASK_QUEUES, broker_options, queue_name
from workers.schedule import beat_schedule


def make_celery() -> Celery:
    settings = get_settings()
    tasks = ["workers.tasks.billing", "workers.tasks.operations", "workers.tasks.notifications"]
    app = Celery("mess", broker=settings.broker_url, include=tasks)
    app.conf.update(
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=False,
        worker_prefetch_multiplier=1,
        worker_pool=settings.worker_pool,
        worker_hijack_root_logger=False,
        task_default_queue=queue_name(DEFAULT_QUEUE),
        task_routes={task: {"queue": queue_name(queue)} for task, queue in TASK_QUEUES.items()},
        timezone="UTC",
        enable_utc=True,
        beat_scheduler="workers.schedule:MessScheduler",
        beat_schedule_filename=os.path.join(tempfile.gettempdir(), f"mess-celerybeat-{queue_name('schedule')}"),
        **broker_options(settings.broker_url, settings.visibility_timeout),
    )
    app.conf.beat_schedule = beat_schedule()
    return app


celery_app = make_celery()
