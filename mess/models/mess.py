from __future__ import annotations

import secrets
from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class Mess(Base):
    __tablename__ = "mess"
    __table_args__ = (
        CheckConstraint("booking_mode IN ('opt_in', 'opt_out')", name="booking_mode"),
        CheckConstraint("cutoff_minutes >= 0", name="cutoff_minutes_non_negative"),
        CheckConstraint("min_rebate_days >= 1", name="min_rebate_days_positive"),
        CheckConstraint("max_guests >= 0", name="max_guests_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Kolkata")
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    booking_mode: Mapped[str] = mapped_column(String(8), default="opt_out")
    cutoff_minutes: Mapped[int] = mapped_column(Integer, default=720)
    min_rebate_days: Mapped[int] = mapped_column(Integer, default=3)
    max_guests: Mapped[int] = mapped_column(Integer, default=5)
    allow_walk_in: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A random token that database triggers replace whenever a resident of the mess or an approved leave changes
    # (migration 05): the live headcount reuses its per-day counts of residents while it stays the same.
    roster_version: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16), server_default="")
    # How a resident pays (PRODUCT 7.2): an issued bill is due this many days after issue; a UPI VPA puts a QR
    # code with the exact amount on the bill, paid to payee_name.
    payment_due_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    upi_vpa: Mapped[str | None] = mapped_column(String(255), nullable=True)
    payee_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    waste_target_grams: Mapped[int | None] = mapped_column(Integer, nullable=True)  # waste per plate aimed at


class Slot(Base):
    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("mess_id", "code"),
        CheckConstraint("serve_end > serve_start", name="serve_window"),
        CheckConstraint("cutoff_minutes IS NULL OR cutoff_minutes >= 0", name="cutoff_minutes_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    serve_start: Mapped[time] = mapped_column(Time)
    serve_end: Mapped[time] = mapped_column(Time)
    cutoff_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MealPrice(Base):
    """Effective-dated prices of one slot: the row with the latest effective_from <= the meal's date wins."""

    __tablename__ = "meal_price"
    __table_args__ = (
        UniqueConstraint("slot_id", "effective_from"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("guest_price >= 0", name="guest_price_non_negative"),
        CheckConstraint("walk_in_price >= 0", name="walk_in_price_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    price: Mapped[int] = mapped_column(Integer)
    guest_price: Mapped[int] = mapped_column(Integer)
    walk_in_price: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FixedCharge(Base):
    """The monthly establishment charge, effective-dated like prices."""

    __tablename__ = "fixed_charge"
    __table_args__ = (
        UniqueConstraint("mess_id", "effective_from"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
