from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from mess.db.base import Base, UTCDateTime
from mess.kit.allergens import AllergenList
from mess.kit.diets import diet_check

ROLES = ("resident", "staff", "warden", "admin")
# A resident who avoids at least one allergen, as SQL: the partial index's predicate, written the same way (a
# literal, not a bound parameter) in the statements that should use it (mess/allergens/repository.py).
ALLERGIC = "allergens <> ''"


class UserAccount(Base):
    """Everyone who signs in. A resident's login is the roll number."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('resident', 'staff', 'warden', 'admin')", name="role"),
        CheckConstraint("role = 'admin' OR mess_id IS NOT NULL", name="mess_unless_admin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    mess_id: Mapped[int | None] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"), nullable=True)
    # "" until the person sets one through an invite (or signs in only with single sign-on).
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Resident(Base):
    __tablename__ = "resident"
    __table_args__ = (
        CheckConstraint(diet_check("diet"), name="diet"),
        CheckConstraint("active_to IS NULL OR active_to >= active_from", name="residency_period"),
        Index("ix_resident_mess_id_active_from", "mess_id", "active_from"),
        # The headcount's allergen counts read only the mess's residents who avoid something (migration 14).
        Index(
            "ix_resident_allergic_mess_id",
            "mess_id",
            sqlite_where=text(ALLERGIC),
            postgresql_where=text(ALLERGIC),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mess_id: Mapped[int] = mapped_column(ForeignKey("mess.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    roll_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    diet: Mapped[str] = mapped_column(String(8), default="veg")
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    room: Mapped[str | None] = mapped_column(String(32), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    allergens: Mapped[list[str]] = mapped_column(AllergenList, default=list, server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Logins and roll numbers are unique ignoring case ("R0004" and "r0004" are one person), stored as entered.
Index("uq_user_account_login_lower", func.lower(UserAccount.login), unique=True)
Index("uq_resident_roll_no_lower", func.lower(Resident.roll_no), unique=True)


class LoginFailure(Base):
    """Failed sign-ins, for rate limiting by login and by address."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_login_failed_at", "login", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
