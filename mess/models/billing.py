from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class BillingRun(Base):
    __tablename__ = "billing_run"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status"),
        Index("ix_billing_run_mess_id_month", "mess_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    processed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    bill_count: Mapped[int] = mapped_column(Integer, default=0)
    # A large mess bills more than 2^31 paise a month.
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Bill(Base):
    """One resident's bill for one month: at most one per (resident, month), enforced here."""

    __tablename__ = "bill"
    __table_args__ = (
        UniqueConstraint("resident_id", "month"),
        CheckConstraint("status IN ('draft', 'issued')", name="status"),
        Index("ix_bill_mess_id_month", "mess_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    total: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_run.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when issued: the issue day plus the mess's payment_due_days then (a later policy change keeps it).
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class BillLine(Base):
    """One line per (kind, slot or item, unit price) so a resident can check the bill by hand."""

    __tablename__ = "bill_line"
    __table_args__ = (Index("ix_bill_line_bill_id", "bill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(200))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"), nullable=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("extra_item.id"), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


PAYMENT_METHODS = ("cash", "upi", "bank", "card", "other")


class LedgerEntry(Base):
    """A resident's account: issued bills are debits (+), payments credits (-); balance is the sum.

    Nothing is ever deleted: a payment recorded by mistake is undone by a `reversal` entry (+ the amount) that
    names it in reverses_id; the unique reverses_id makes a second reversal impossible, even two at once.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('bill', 'payment', 'refund', 'reversal')", name="kind"),
        CheckConstraint("method IN ('cash', 'upi', 'bank', 'card', 'other')", name="method"),
        UniqueConstraint("bill_id"),
        UniqueConstraint("reverses_id"),
        Index("ix_ledger_entry_resident_id_entry_date", "resident_id", "entry_date"),
        Index("ix_ledger_entry_mess_id_entry_date", "mess_id", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    entry_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(Integer)
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bill.id"), nullable=True)
    reference: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    method: Mapped[str] = mapped_column(String(8), default="cash", server_default="cash")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")


# A payment's reference (receipt or UPI transaction number) is unique per mess ignoring case: a second entry of the
# same receipt is refused by the database itself. Empty references and the reversal entries are not counted.
_REFERENCED_PAYMENT = "kind = 'payment' AND reference <> ''"
Index(
    "uq_ledger_entry_payment_reference",
    LedgerEntry.mess_id,
    func.lower(LedgerEntry.reference),
    unique=True,
    sqlite_where=text(_REFERENCED_PAYMENT),
    postgresql_where=text(_REFERENCED_PAYMENT),
)


class Adjustment(Base):
    """A warden's credit (-) or debit (+) with a reason, billed in the month of its date."""

    __tablename__ = "adjustment"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_non_zero"),
        Index("ix_adjustment_resident_id_adjustment_date", "resident_id", "adjustment_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    adjustment_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
