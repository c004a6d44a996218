from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class AuditLog(Base):
    """Who changed what on someone else's behalf, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_mess_id_created_at", "mess_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int | None] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
