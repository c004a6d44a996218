from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class Booking(Base):
    """An explicit choice of a resident for one meal; without a row the mess's default applies."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("resident_id", "meal_date", "slot_id"),
        CheckConstraint("status IN ('booked', 'cancelled')", name="status"),
        CheckConstraint("guests >= 0", name="guests_non_negative"),
        CheckConstraint("status = 'booked' OR guests = 0", name="no_guests_when_cancelled"),
        Index("ix_booking_mess_id_meal_date_slot_id", "mess_id", "meal_date", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    meal_date: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))
    guests: Mapped[int] = mapped_column(Integer, default=0)
    takeaway: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a parcel (7.3)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)


class Leave(Base):
    __tablename__ = "leave"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn')", name="status"),
        Index("ix_leave_resident_id_start_date", "resident_id", "start_date"),
        Index("ix_leave_mess_id_status", "mess_id", "status"),
        # "approved leaves covering day D" reads the leaves ending on or after D, not every leave ever approved.
        Index(
            "ix_leave_approved_mess_id_end_date",
            "mess_id",
            "end_date",
            "start_date",
            "resident_id",
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # the warden's word on the decision
