"""Notification SQL: recipients, the inbox, the outbox of deliveries, preferences and push subscriptions.

Telling many residents one thing (a reminder, a bill issued) is two set-based statements: the inbox rows
(INSERT ... SELECT ... ON CONFLICT DO NOTHING on (user_id, event_key)), then their deliveries (unique per
notification, channel and target). Run again, both insert nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from mess.bookings.repository import effective_bookings
from mess.models import (
    Bill,
    Mess,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    PushSubscription,
    Resident,
)

Delivery = NotificationDelivery


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# --- recipients ---------------------------------------------------------------------------------------------------


def _wants_reminders() -> Any:
    return (
        ~select(NotificationPreference.user_id)
        .where(NotificationPreference.user_id == Resident.user_id, NotificationPreference.reminders == false())
        .exists()
    )


def reminder_recipients(mess_id: int, default_booked: bool, slot_id: int, day: date) -> Select[Any]:
    """user_id of the residents to remind of a meal: opt_in, those who made no choice (not booked, not on leave);
    opt_out, those booked (by default or by choice), who may still cancel. Residents who turned reminders off are
    left out."""
    meal = effective_bookings(mess_id, default_booked, day, day, slot_id=slot_id).order_by(None).subquery("meal")
    query = select(Resident.user_id.label("user_id")).join(meal, meal.c.resident_id == Resident.id)
    if default_booked:
        query = query.where(meal.c.booked == true())
    else:
        query = query.where(meal.c.source == "default", meal.c.booked != true())
    return query.where(_wants_reminders())


def resident_recipient(resident_id: int) -> Select[Any]:
    return select(Resident.user_id.label("user_id")).where(Resident.id == resident_id)


def billed_recipients(mess_id: int, month: str) -> Select[Any]:
    """user_id of every resident with an issued bill of the month."""
    return (
        select(Resident.user_id.label("user_id"))
        .join(Bill, Bill.resident_id == Resident.id)
        .where(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "issued")
    )


def present_recipients(mess_id: int, day: date) -> Select[Any]:
    """user_id of the residents of the mess on that day."""
    return select(Resident.user_id.label("user_id")).where(
        Resident.mess_id == mess_id,
        Resident.active_from <= day,
        or_(Resident.active_to.is_(None), Resident.active_to >= day),
    )


# --- telling ------------------------------------------------------------------------------------------------------


async def add_notifications(
    session: AsyncSession,
    recipients: Select[Any],
    *,
    mess_id: int,
    event_key: str,
    kind: str,
    title: str,
    body: str,
    link: str,
    now: datetime,
    expires_at: datetime | None,
) -> int:
    """The inbox rows of one event, one per recipient, once: an event noticed again inserts nothing. Rows added."""
    who = recipients.subquery("recipient")
    rows = select(
        who.c.user_id,
        literal(mess_id, Integer),
        literal(event_key, String),
        literal(kind, String),
        literal(title, String),
        literal(body, Text),
        literal(link, String),
        literal(now, Notification.created_at.type),
        literal(expires_at, Notification.expires_at.type),
    ).distinct()
    rows = rows.where(literal(1, Integer) == 1)  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
    columns = ["user_id", "mess_id", "event_key", "kind", "title", "body", "link", "created_at", "expires_at"]
    statement = (
        _insert(session)(Notification)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["user_id", "event_key"])
    )
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def add_deliveries(session: AsyncSession, mess_id: int, event_key: str, now: datetime) -> int:
    """The outbox rows of one event's notifications: an email to each resident who wants email, a push to each
    subscription of those who want push. Rows added (none when they exist already)."""
    preference = NotificationPreference
    wants_email = func.coalesce(preference.email, true())
    wants_push = func.coalesce(preference.push, true())
    of_event = and_(Notification.mess_id == mess_id, Notification.event_key == event_key)
    columns = ["notification_id", "channel", "target", "subscription_id", "status", "not_before", "attempts"]
    emails = (
        select(
            Notification.id,
            literal("email", String),
            literal("", String),
            literal(None, Integer),
            literal("pending", String),
            literal(now, Delivery.not_before.type),
            literal(0, Integer),
        )
        .join(Resident, Resident.user_id == Notification.user_id)
        .outerjoin(preference, preference.user_id == Notification.user_id)
        .where(of_event, wants_email, Resident.email != "")
    )
    pushes = (
        select(
            Notification.id,
            literal("push", String),
            cast(PushSubscription.id, String(32)),
            PushSubscription.id,
            literal("pending", String),
            literal(now, Delivery.not_before.type),
            literal(0, Integer),
        )
        .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
        .outerjoin(preference, preference.user_id == Notification.user_id)
        .where(of_event, wants_push)
    )
    added = 0
    for rows in (emails, pushes):
        statement = (
            _insert(session)(Delivery)
            .from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=["notification_id", "channel", "target"])
        )
        added += int((await session.execute(statement)).rowcount or 0)  # type: ignore[attr-defined]
    return added


# --- the inbox ----------------------------------------------------------------------------------------------------


async def list_inbox(
    session: AsyncSession, user_id: int, *, unread: bool, limit: int, offset: int
) -> tuple[list[Notification], int]:
    where = [Notification.user_id == user_id]
    if unread:
        where.append(Notification.read_at.is_(None))
    rows = await session.execute(
        select(Notification).where(*where).order_by(Notification.id.desc()).limit(limit).offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(Notification).where(*where))
    return list(rows.scalars()), int(total or 0)


# Every whole page a resident opens counts their unread notifications (the nav's badge): built once, run on the
# session's connection (a scalar, nothing for the ORM to do).
_COUNT_UNREAD = select(func.count()).where(
    Notification.user_id == bindparam("user_id", type_=Integer), Notification.read_at.is_(None)
)


async def count_unread(session: AsyncSession, user_id: int) -> int:
    connection = await session.connection()
    return int((await connection.execute(_COUNT_UNREAD, {"user_id": user_id})).scalar() or 0)


async def get_own(session: AsyncSession, user_id: int, notification_id: int) -> Notification | None:
    query = select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    return (await session.execute(query)).scalar_one_or_none()


async def mark_read(session: AsyncSession, user_id: int, now: datetime, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of the person read. Rows changed."""
    where = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if notification_id is not None:
        where.append(Notification.id == notification_id)
    result = await session.execute(update(Notification).where(*where).values(read_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- preferences and subscriptions --------------------------------------------------------------------------------


async def get_preference(session: AsyncSession, user_id: int) -> NotificationPreference | None:
    return await session.get(NotificationPreference, user_id)


async def save_preference(session: AsyncSession, user_id: int, values: dict[str, Any], now: datetime) -> None:
    statement = _insert(session)(NotificationPreference).values(user_id=user_id, updated_at=now, **values)
    statement = statement.on_conflict_do_update(index_elements=["user_id"], set_={**values, "updated_at": now})
    await session.execute(statement)


async def save_subscription(
    session: AsyncSession, user_id: int, endpoint: str, p256dh: str, auth: str, now: datetime
) -> int:
    """Store a browser's subscription; the same endpoint again (renewed keys, or another person signed in on the
    browser) replaces the row's owner and keys."""
    values = {"user_id": user_id, "p256dh": p256dh, "auth": auth}
    statement = (
        _insert(session)(PushSubscription)
        .values(endpoint=endpoint, created_at=now, **values)
        .on_conflict_do_update(index_elements=["endpoint"], set_=values)
        .returning(PushSubscription.id)
    )
    return int((await session.execute(statement)).scalar_one())


async def delete_subscriptions(session: AsyncSession, user_id: int, endpoint: str | None) -> int:
    where = [PushSubscription.user_id == user_id]
    if endpoint is not None:
        where.append(PushSubscription.endpoint == endpoint)
    result = await session.execute(delete(PushSubscription).where(*where))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def count_subscriptions(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).where(PushSubscription.user_id == user_id)
    return int(await session.scalar(query) or 0)


# --- the outbox ---------------------------------------------------------------------------------------------------


async def due_deliveries(session: AsyncSession, now: datetime, requeue_after: timedelta, limit: int) -> list[int]:
    """Pending deliveries due now that no task holds (never queued, or queued long ago and still pending: the
    message was lost), and claims gone stale (a worker died mid-send), oldest first; marked queued now."""
    stale = now - requeue_after
    query = (
        select(Delivery.id)
        .where(
            or_(
                and_(
                    Delivery.status == "pending",
                    Delivery.not_before <= now,
                    or_(Delivery.queued_at.is_(None), Delivery.queued_at < stale),
                ),
                and_(Delivery.status == "sending", Delivery.claimed_at < stale),
            )
        )
        .order_by(Delivery.not_before, Delivery.id)
        .limit(limit)
    )
    ids = list((await session.execute(query)).scalars())
    if ids:
        await session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(queued_at=now))
    return ids


async def claim(session: AsyncSession, delivery_id: int, now: datetime, stale_after: timedelta) -> bool:
    """pending (due) -> sending, or a claim gone stale taken over: True for exactly one of two racing tasks."""
    statement = (
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            or_(
                and_(Delivery.status == "pending", Delivery.not_before <= now),
                and_(Delivery.status == "sending", Delivery.claimed_at < now - stale_after),
            ),
        )
        .values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1)
    )
    return int((await session.execute(statement)).rowcount or 0) == 1  # type: ignore[attr-defined]


async def delivery_context(session: AsyncSession, delivery_id: int) -> Any:
    """Everything one send needs, in one row."""
    preference = NotificationPreference
    query = (
        select(
            Delivery.id,
            Delivery.channel,
            Delivery.attempts,
            Notification.id.label("notification_id"),
            Notification.title,
            Notification.body,
            Notification.link,
            Notification.kind,
            Notification.expires_at,
            Notification.event_key,
            Notification.user_id,
            Mess.id.label("mess_id"),
            Mess.booking_mode,
            Mess.timezone,
            Resident.email,
            func.coalesce(preference.email, true()).label("wants_email"),
            func.coalesce(preference.push, true()).label("wants_push"),
            preference.quiet_start,
            preference.quiet_end,
            PushSubscription.id.label("subscription_id"),
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        )
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(Mess, Mess.id == Notification.mess_id)
        .outerjoin(Resident, Resident.user_id == Notification.user_id)
        .outerjoin(preference, preference.user_id == Notification.user_id)
        .outerjoin(PushSubscription, PushSubscription.id == Delivery.subscription_id)
        .where(Delivery.id == delivery_id)
    )
    return (await session.execute(query)).first()


async def finish(session: AsyncSession, delivery_id: int, now: datetime, status: str, error: str | None = None) -> None:
    values: dict[str, Any] = {"status": status, "last_error": error}
    if status == "sent":
        values["sent_at"] = now
    await session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


async def postpone(session: AsyncSession, delivery_id: int, until: datetime, error: str | None = None) -> None:
    """Back to pending, due at `until` (the end of quiet hours, or a retry)."""
    values = {"status": "pending", "not_before": until, "queued_at": None, "claimed_at": None, "last_error": error}
    await session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


async def forget_subscription(session: AsyncSession, subscription_id: int) -> None:
    """The push service says the subscription is gone (404/410): remove it (its deliveries go with it)."""
    await session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


async def add_notification_rows(session: AsyncSession, rows: list[dict[str, Any]], chunk: int = 500) -> int:
    """Inbox rows whose words differ per person (a bill's amount), in chunks of one multi-row statement each."""
    added = 0
    for first in range(0, len(rows), chunk):
        statement = (
            _insert(session)(Notification)
            .values(rows[first : first + chunk])
            .on_conflict_do_nothing(index_elements=["user_id", "event_key"])
        )
        added += int((await session.execute(statement)).rowcount or 0)  # type: ignore[attr-defined]
    return added


async def issued_bills(session: AsyncSession, mess_id: int, month: str) -> list[Any]:
    """(user_id, bill_id, total, due_date) of the month's issued bills."""
    query = (
        select(Resident.user_id, Bill.id, Bill.total, Bill.due_date)
        .join(Resident, Resident.id == Bill.resident_id)
        .where(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "issued")
        .order_by(Bill.id)
    )
    return list((await session.execute(query)).all())


async def mark_queued(session: AsyncSession, delivery_id: int, now: datetime) -> None:
    await session.execute(update(Delivery).where(Delivery.id == delivery_id).values(queued_at=now))


async def still_to_remind(
    session: AsyncSession, mess_id: int, default_booked: bool, slot_id: int, day: date, user_id: int
) -> bool:
    """Whether the reminder still fits the person now (opt_in: still no choice; opt_out: still booked)."""
    who = reminder_recipients(mess_id, default_booked, slot_id, day).where(Resident.user_id == user_id)
    return (await session.execute(who.limit(1))).first() is not None
