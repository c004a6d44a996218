from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime

CHECKIN_RESULTS = (
    "ok",
    "duplicate",
    "not_booked",
    "on_leave",
    "outside_window",
    "unknown_resident",
    "wrong_mess",
)


class CheckIn(Base):
    """Every attempt at the counter. `admitted` marks the one that let the resident in (ok or a walk-in)."""

    __tablename__ = "checkin"
    __table_args__ = (
        CheckConstraint(
            "result IN ('ok', 'duplicate', 'not_booked', 'on_leave', 'outside_window', "
            "'unknown_resident', 'wrong_mess')",
            name="result",
        ),
        CheckConstraint("method IN ('roll_no', 'qr', 'correction')", name="method"),
        # The database, not timing, guarantees one admission per resident and meal.
        Index(
            "uq_checkin_admitted_resident_meal",
            "resident_id",
            "meal_date",
            "slot_id",
            unique=True,
            sqlite_where=text("admitted"),
            postgresql_where=text("admitted"),
        ),
        Index("ix_checkin_mess_id_meal_date_slot_id", "mess_id", "meal_date", "slot_id"),
        # Counting a meal's admissions is an index-only scan.
        Index(
            "ix_checkin_admitted_meal",
            "mess_id",
            "meal_date",
            "slot_id",
            "walk_in",
            sqlite_where=text("admitted"),
            postgresql_where=text("admitted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"), nullable=True)
    roll_no: Mapped[str] = mapped_column(String(64))
    meal_date: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    result: Mapped[str] = mapped_column(String(20))
    admitted: Mapped[bool] = mapped_column(Boolean, default=False)
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(String(12), default="roll_no")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
