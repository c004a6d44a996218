"""A resident's photo for the counter: one re-encoded JPEG per resident, beside (not in) the resident row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime


class ResidentPhoto(Base):
    # Its own table: the resident row stays small for the roster reads, and its roster triggers never fire on it.
    __tablename__ = "resident_photo"

    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
