"""Handing a billing run to the workers, by task name (mess never imports workers; workers import mess).

The broker is Redis (MESS_REDIS_URL) or, with none configured, kombu's SQLAlchemy transport on a SQLite file.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import lru_cache
from typing import Any

from celery import Celery
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.config import Settings, get_settings
from mess.errors import ServiceUnavailable
from mess.models import BillingRun

BILLING_TASK = "workers.tasks.billing.run_billing"
BILLING_QUEUE = "billing"
DEFAULT_QUEUE = "default"


def queue_name(base: str, settings: Settings | None = None) -> str:
    """Queue names, optionally prefixed (MESS_QUEUE_PREFIX) so several deployments or test sessions can share
    one Redis without taking each other's messages."""
    return f"{(settings or get_settings()).queue_prefix}{base}"


def broker_options(broker_url: str, visibility_timeout: int) -> dict[str, Any]:
    """Connection settings shared by the producer (web) and the worker."""
    options: dict[str, Any] = {
        "broker_connection_timeout": 3,
        "broker_connection_retry_on_startup": True,
    }
    if broker_url.startswith("redis"):
        options["broker_transport_options"] = {
            "socket_connect_timeout": 3,
            "socket_timeout": 15,
            "retry_on_timeout": True,
            # Unacknowledged (acks_late) tasks of a worker that died come back after this many seconds.
            "visibility_timeout": visibility_timeout,
            # Sweep for such messages every 10 s (a cheap sorted-set range), not every 10th sweep.
            "unacked_restore_throttle": 1,
        }
    return options


@lru_cache(maxsize=4)
def _producer(broker_url: str, visibility_timeout: int) -> Celery:
    app = Celery("mess-producer", broker=broker_url, set_as_current=False)
    app.conf.update(task_ignore_result=True, **broker_options(broker_url, visibility_timeout))
    return app


def enqueue_billing(settings: Settings, run_id: int) -> None:
    """Send the run's id (never an object) to the billing queue; a broker that cannot be reached is a clear 503."""
    try:
        _producer(settings.broker_url, settings.visibility_timeout).send_task(
            BILLING_TASK, args=[run_id], queue=queue_name(BILLING_QUEUE, settings), retry=False
        )
    except Exception as exc:
        raise ServiceUnavailable(
            "the billing queue (broker) is unreachable, so the run could not be started; bookings and pages keep "
            "working. Try again when the broker is back."
        ) from exc


async def start_run(
    session: AsyncSession, actor: Actor, month: str, now: datetime, mess_id: int | None, settings: Settings
) -> BillingRun:
    """A warden starts a run: checked and stored, then its id queued for a worker.

    It commits (unlike other services): the worker must find the run before it gets the id. With the broker down
    no queued run is left behind: it is marked failed with the reason and the caller gets the clear 503."""
    from mess.billing import repository, service

    run = await service.request_run(session, actor, month, now, mess_id)
    await session.commit()
    try:
        await asyncio.to_thread(enqueue_billing, settings, run.id)
    except ServiceUnavailable as exc:
        await repository.set_run(session, run.id, status="failed", message=exc.message, finished_at=now)
        await session.commit()
        raise
    return run
