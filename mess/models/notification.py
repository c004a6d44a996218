"""Notifications (PRODUCT 7.3): the inbox, its outbox of deliveries, push subscriptions and preferences."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime

KINDS = ("reminder", "leave", "bill", "menu")
CHANNELS = ("email", "push")
DELIVERY_STATUSES = ("pending", "sending", "sent", "skipped", "failed")


class Notification(Base):
    """One event told to one person: their inbox row. (user_id, event_key) is unique, so an event that is noticed
    twice (a beat tick run twice, a retried task) is told once."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "event_key"),
        CheckConstraint("kind IN ('reminder', 'leave', 'bill', 'menu')", name="kind"),
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        Index("ix_notification_mess_id_event_key", "mess_id", "event_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="/me/inbox")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A reminder is worth nothing after its cutoff: email and push are not sent after this moment.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NotificationDelivery(Base):
    """The outbox: one row per notification, channel and target (push: each subscription of the person). The
    unique key makes creating it idempotent; a worker claims a row (pending -> sending) before it sends, so a task
    run twice sends once."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", "target"),
        CheckConstraint("channel IN ('email', 'push')", name="channel"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'skipped', 'failed')", name="status"),
        Index("ix_notification_delivery_status_not_before", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    # "" for email (the resident's address is read when sending); the subscription's id for push.
    target: Mapped[str] = mapped_column(String(32), default="")
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="CASCADE"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(8), default="pending")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class PushSubscription(Base):
    """A browser's Web Push subscription (its endpoint and keys); an endpoint belongs to one person at a time."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationPreference(Base):
    """What a person wants besides the inbox; no row means the defaults (email, push and reminders on)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    push: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    # Local times of the mess; the window may cross midnight (22:00 .. 07:00). Both or neither.
    quiet_start: Mapped[time | None] = mapped_column(Time, nullable=True)
    quiet_end: Mapped[time | None] = mapped_column(Time, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
