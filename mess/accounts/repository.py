from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import LoginFailure, Mess, Resident, UserAccount

RESET_PREFIX = "reset:"  # reset requests are kept beside failed sign-ins, told apart by this login prefix


@dataclass(frozen=True)
class Recipient:
    user_id: int
    login: str
    password_hash: str
    name: str
    email: str
    mess_name: str
    timezone: str


def _recipients() -> Any:
    return (
        select(
            UserAccount.id,
            UserAccount.login,
            UserAccount.password_hash,
            Resident.name,
            Resident.email,
            Mess.name,
            Mess.timezone,
        )
        .join(Resident, Resident.user_id == UserAccount.id)
        .join(Mess, Mess.id == Resident.mess_id)
        .where(UserAccount.is_active.is_(True))
    )


async def recipients_by_login_or_email(session: AsyncSession, typed: str) -> list[Recipient]:
    """The residents' accounts a reset request names: by login (roll number) or by email, ignoring case."""
    key = typed.strip().lower()
    query = _recipients().where(or_(func.lower(UserAccount.login) == key, func.lower(Resident.email) == key))
    return [Recipient(*row) for row in (await session.execute(query)).all()]


async def recipients_by_user(session: AsyncSession, user_ids: list[int]) -> list[Recipient]:
    found: list[Recipient] = []
    for start in range(0, len(user_ids), 5000):
        query = _recipients().where(UserAccount.id.in_(user_ids[start : start + 5000]))
        found.extend(Recipient(*row) for row in (await session.execute(query)).all())
    return found


async def recipients_without_password(session: AsyncSession, mess_id: int) -> list[Recipient]:
    no_password = UserAccount.password_hash == ""  # nosec B105 - "" is the absence of a password
    query = _recipients().where(Resident.mess_id == mess_id, no_password)
    return [Recipient(*row) for row in (await session.execute(query)).all()]


async def recent_reset_requests(session: AsyncSession, key: str, address: str, since: datetime) -> tuple[int, int]:
    """(requests for this login, requests from this address) since a moment."""
    recent = select(LoginFailure.login, LoginFailure.address).where(
        LoginFailure.failed_at >= since, LoginFailure.login.like(f"{RESET_PREFIX}%")
    )
    rows = (
        await session.execute(
            recent.where(or_(LoginFailure.login == RESET_PREFIX + key, LoginFailure.address == address))
        )
    ).all()
    by_login = sum(1 for login, _ in rows if login == RESET_PREFIX + key)
    by_address = sum(1 for _, at in rows if address and at == address)
    return by_login, by_address


def add_reset_request(session: AsyncSession, key: str, address: str, at: datetime) -> None:
    session.add(LoginFailure(login=(RESET_PREFIX + key)[:64], address=address[:64], failed_at=at))
