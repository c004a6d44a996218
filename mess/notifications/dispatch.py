"""Waking the sender after a request told someone something (a leave decided, a bill issued, a menu changed).

Beat scans the outbox every minute anyway; this only makes the push or email go out within seconds. With Redis
the message is sent off the request's path (a broker that is down costs the request nothing: beat catches up);
the embedded broker is a local SQLite file, sent to at once.
"""

from __future__ import annotations

import asyncio
import logging

from mess.config import Settings
from mess.queues import DISPATCH_NOTIFICATIONS_TASK, send_task

log = logging.getLogger("mess.notifications")


def _send(settings: Settings) -> None:
    try:
        send_task(settings, DISPATCH_NOTIFICATIONS_TASK, [])
    except Exception as exc:  # the outbox keeps the work; beat's scan sends it
        log.warning("could not wake the notification sender (beat will send it): %s", exc)


async def wake_sender(settings: Settings) -> None:
    if settings.redis_url:
        asyncio.get_running_loop().run_in_executor(None, _send, settings)
    else:
        await asyncio.to_thread(_send, settings)
