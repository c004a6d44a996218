from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class ExtraItem(Base):
    __tablename__ = "extra_item"
    __table_args__ = (
        UniqueConstraint("mess_id", "name"),
        CheckConstraint("price >= 0", name="price_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    price: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExtraPurchase(Base):
    """A sale at the counter, with the unit price at the time of sale."""

    __tablename__ = "extra_purchase"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        Index("ix_extra_purchase_resident_id_purchase_date", "resident_id", "purchase_date"),
        Index("ix_extra_purchase_mess_id_purchase_date", "mess_id", "purchase_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("extra_item.id", ondelete="RESTRICT"))
    purchase_date: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    # A void keeps the sale (audited) and takes it off the bill; voided_by is the user id (the audit names them).
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    voided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
