from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class HeadcountSnapshot(Base):
    """The headcount frozen at a meal's cutoff, by diet: the number the kitchen cooks for."""

    __tablename__ = "headcount_snapshot"
    __table_args__ = (UniqueConstraint("mess_id", "meal_date", "slot_id", "diet"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    meal_date: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    diet: Mapped[str] = mapped_column(String(8))
    booked: Mapped[int] = mapped_column(Integer)
    guests: Mapped[int] = mapped_column(Integer)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailyRollup(Base):
    """Per mess, date and slot: what analytics reads instead of scanning the raw rows."""

    __tablename__ = "daily_rollup"
    __table_args__ = (UniqueConstraint("mess_id", "rollup_date", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    rollup_date: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    residents: Mapped[int] = mapped_column(Integer, default=0)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    guests: Mapped[int] = mapped_column(Integer, default=0)
    on_leave: Mapped[int] = mapped_column(Integer, default=0)
    checked_in: Mapped[int] = mapped_column(Integer, default=0)
    walk_ins: Mapped[int] = mapped_column(Integer, default=0)
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    waste_grams: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    meal_revenue: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
