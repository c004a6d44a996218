"""Handing a billing run to the workers, by task name (mess never imports workers; workers import mess)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.config import Settings
from mess.errors import ServiceUnavailable
from mess.models import BillingRun
from mess.queues import BILLING_TASK, send_task


def enqueue_billing(settings: Settings, run_id: int) -> None:
    """Send the run's id (never an object) to the billing queue; a broker that cannot be reached is a clear 503."""
    try:
        send_task(settings, BILLING_TASK, [run_id])
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
