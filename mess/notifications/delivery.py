"""Sending the outbox: one delivery (an email, or a push to one browser) at a time, exactly once.

A delivery is claimed (pending -> sending, one UPDATE, committed) before anything is sent, so of two tasks that
got the same id (a retry racing a redelivery, beat queueing it again) one sends and the other finds it taken.
After the send it is marked sent. A worker that dies between claim and mark leaves it `sending`; after
STALE it is due again (the one case where a person could get a message twice: sent but never marked).
Quiet hours and preferences are read at sending time, so a change made after the event still counts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mess.db.engine import Database
from mess.notifications import push, repository
from mess.notifications.endpoints import endpoint_allowed
from mess.notifications.mail import Notifier
from mess.notifications.quiet import quiet_until

log = logging.getLogger("mess.notifications")
STALE = timedelta(minutes=10)
MAX_ATTEMPTS = 6
PUSH_TTL = 12 * 3600  # seconds a push service keeps a message for a phone that is off


class DeliveryRetry(Exception):
    """Not sent this time (mail server or push service unreachable): the task retries with backoff."""


@dataclass(frozen=True)
class Channels:
    notifier: Notifier
    vapid: push.VapidKeys | None
    vapid_subject: str
    public_url: str
    push_hosts: tuple[str, ...]  # Settings.push_endpoint_hosts: where a push may go (checked again before each send)


def _email_body(row: Any, public_url: str) -> str:
    site = public_url.rstrip("/")
    return f"{row.body}\n\n{site}{row.link}\n\nChange what you receive: {site}/me/notifications"


def _skip_reason(row: Any, now: datetime, channels: Channels) -> str | None:
    if row.channel == "email" and (not row.wants_email or not row.email):
        return "email is off"
    if row.channel == "push" and (not row.wants_push or row.subscription_id is None):
        return "push is off"
    if row.channel == "push" and not endpoint_allowed(row.endpoint, channels.push_hosts):
        # Stored before the rule, or the list changed since: never POST to an address that is not a push service.
        return "the push address is not an allowed push service"
    if row.expires_at is not None and now >= row.expires_at:
        return "too late: the meal's cutoff has passed"
    return None


def _send(row: Any, channels: Channels) -> None:
    if row.channel == "email":
        channels.notifier.send(row.email, row.title, _email_body(row, channels.public_url))
        return
    if channels.vapid is None:
        raise push.PushFailed("push is not set up on this server")
    payload = {"title": row.title, "body": row.body, "url": row.link, "tag": f"n{row.notification_id}"}
    push.send(channels.vapid, channels.vapid_subject, row.endpoint, row.p256dh, row.auth, payload, PUSH_TTL)


async def _still_to_remind(session: Any, row: Any) -> bool:
    """A reminder's email or push goes only while it still fits: booked since (opt_in) or cancelled since
    (opt_out), the inbox keeps it and nothing is sent."""
    _, day, slot_id = row.event_key.split(":")  # reminder:<date>:<slot id> (mess/notifications/reminders.py)
    default_booked = row.booking_mode == "opt_out"
    return await repository.still_to_remind(
        session, row.mess_id, default_booked, int(slot_id), date.fromisoformat(day), row.user_id
    )


async def deliver(database: Database, delivery_id: int, now: datetime, channels: Channels) -> str:
    """Send one delivery if it is due and nobody else holds it. Returns what happened: sent, skipped, postponed
    (quiet hours), taken (not due, done, or another task has it), failed; raises DeliveryRetry to retry."""
    async with database.transaction() as session:
        if not await repository.claim(session, delivery_id, now, STALE):
            return "taken"
    async with database.transaction() as session:
        row = await repository.delivery_context(session, delivery_id)
        if row is None:
            return "taken"
        reason = _skip_reason(row, now, channels)
        if reason is not None:
            await repository.finish(session, delivery_id, now, "skipped", reason)
            return "skipped"
        if row.kind == "reminder" and not await _still_to_remind(session, row):
            await repository.finish(session, delivery_id, now, "skipped", "already chosen since the reminder")
            return "skipped"
        until = quiet_until(now, row.timezone, row.quiet_start, row.quiet_end)
        if until is not None:
            if row.expires_at is not None and until >= row.expires_at:
                await repository.finish(session, delivery_id, now, "skipped", "quiet hours last past the cutoff")
                return "skipped"
            await repository.postpone(session, delivery_id, until)
            return "postponed"
    try:
        await asyncio.to_thread(_send, row, channels)
    except push.PushGone:
        async with database.transaction() as session:
            await repository.forget_subscription(session, row.subscription_id)
        return "skipped"
    except push.PushFailed as exc:
        async with database.transaction() as session:
            await repository.finish(session, delivery_id, now, "failed", str(exc))
        return "failed"
    except (push.PushUnavailable, OSError) as exc:  # smtplib's errors are OSErrors
        async with database.transaction() as session:
            if row.attempts >= MAX_ATTEMPTS:
                await repository.finish(session, delivery_id, now, "failed", str(exc))
                return "failed"
            # Due again at once for the task's own retry (it waits its backoff); beat leaves it alone meanwhile.
            await repository.postpone(session, delivery_id, now, str(exc))
            await repository.mark_queued(session, delivery_id, now)
        log.warning("delivery %s not sent (attempt %s): %s", delivery_id, row.attempts, exc)
        raise DeliveryRetry(str(exc)) from exc
    async with database.transaction() as session:
        await repository.finish(session, delivery_id, now, "sent")
    return "sent"


async def queue_due(database: Database, now: datetime, limit: int = 1000) -> list[int]:
    """The deliveries a worker should try now (marked queued, so the next scan leaves them to their task)."""
    async with database.transaction() as session:
        return await repository.due_deliveries(session, now, STALE, limit)
