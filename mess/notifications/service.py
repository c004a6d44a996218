"""A person's own notifications: the inbox, preferences and Web Push subscriptions (PRODUCT 7.3)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.config import Settings
from mess.errors import InvalidInput, NotFound
from mess.notifications import repository
from mess.notifications.endpoints import check_endpoint
from mess.notifications.push import b64url_decode
from mess.notifications.schemas import (
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    PushSubscriptionIn,
    hhmm,
)

DEFAULTS = {"email": True, "push": True, "reminders": True, "quiet_start": None, "quiet_end": None}


async def inbox(
    session: AsyncSession, actor: Actor, *, unread: bool, limit: int, offset: int
) -> tuple[list[NotificationOut], int]:
    rows, total = await repository.list_inbox(session, actor.user_id, unread=unread, limit=limit, offset=offset)
    return [NotificationOut.model_validate(row) for row in rows], total


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    return await repository.count_unread(session, actor.user_id)


async def mark_read(session: AsyncSession, actor: Actor, notification_id: int, now: datetime) -> NotificationOut:
    """Idempotent: reading a read notification again changes nothing."""
    await repository.mark_read(session, actor.user_id, now, notification_id)
    row = await repository.get_own(session, actor.user_id, notification_id)
    if row is None:
        raise NotFound("This notification does not exist.")
    return NotificationOut.model_validate(row)


async def mark_all_read(session: AsyncSession, actor: Actor, now: datetime) -> int:
    return await repository.mark_read(session, actor.user_id, now)


async def preferences(session: AsyncSession, actor: Actor) -> PreferencesOut:
    row = await repository.get_preference(session, actor.user_id)
    subscriptions = await repository.count_subscriptions(session, actor.user_id)
    if row is None:
        return PreferencesOut(**DEFAULTS, push_subscriptions=subscriptions)
    return PreferencesOut(
        email=row.email,
        push=row.push,
        reminders=row.reminders,
        quiet_start=hhmm(row.quiet_start),
        quiet_end=hhmm(row.quiet_end),
        push_subscriptions=subscriptions,
    )


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


async def set_preferences(session: AsyncSession, actor: Actor, data: PreferencesIn, now: datetime) -> PreferencesOut:
    """The fields given replace the stored ones; the rest keep their value (the defaults when none is stored)."""
    current = (await preferences(session, actor)).model_dump(exclude={"push_subscriptions"})
    given = data.model_dump(include=data.model_fields_set)
    values = {**current, **given}
    stored = {
        "email": bool(values["email"]),
        "push": bool(values["push"]),
        "reminders": bool(values["reminders"]),
        "quiet_start": _time(values["quiet_start"]),
        "quiet_end": _time(values["quiet_end"]),
    }
    await repository.save_preference(session, actor.user_id, stored, now)
    return await preferences(session, actor)


def _check_subscription(data: PushSubscriptionIn, settings: Settings) -> None:
    check_endpoint(data.endpoint, settings.push_endpoint_hosts)
    try:
        key, auth = b64url_decode(data.keys.p256dh), b64url_decode(data.keys.auth)
    except ValueError as exc:
        raise InvalidInput("This browser's push keys are not readable.", field="keys") from exc
    if len(key) != 65 or key[0] != 4 or len(auth) != 16:
        raise InvalidInput("This browser's push keys are not readable.", field="keys")


async def subscribe(
    session: AsyncSession, actor: Actor, data: PushSubscriptionIn, now: datetime, settings: Settings
) -> PreferencesOut:
    _check_subscription(data, settings)
    await repository.save_subscription(session, actor.user_id, data.endpoint, data.keys.p256dh, data.keys.auth, now)
    return await preferences(session, actor)


async def unsubscribe(session: AsyncSession, actor: Actor, endpoint: str | None) -> int:
    """Forget the caller's subscription with this endpoint, or all of theirs; idempotent."""
    return await repository.delete_subscriptions(session, actor.user_id, endpoint)
