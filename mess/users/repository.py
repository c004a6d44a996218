from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import LoginFailure, Resident, UserAccount


async def get_by_login(session: AsyncSession, login: str) -> UserAccount | None:
    """The account whose login matches ignoring case (the unique index on lower(login) makes it at most one)."""
    query = select(UserAccount).where(func.lower(UserAccount.login) == login.strip().lower())
    return (await session.execute(query)).scalar_one_or_none()


async def resident_id_of(session: AsyncSession, user_id: int) -> int | None:
    query = select(Resident.id).where(Resident.user_id == user_id)
    return (await session.execute(query)).scalar_one_or_none()


async def count_failures(session: AsyncSession, login: str, address: str, since: datetime) -> int:
    query = select(func.count()).where(
        LoginFailure.failed_at >= since,
        (LoginFailure.login == login) | ((LoginFailure.address == address) & (LoginFailure.address != "")),
    )
    return int((await session.execute(query)).scalar_one())


async def add_failure(session: AsyncSession, login: str, address: str, at: datetime) -> None:
    session.add(LoginFailure(login=login[:64], address=address[:64], failed_at=at))


async def forget_failures_before(session: AsyncSession, before: datetime) -> None:
    """Delete failed sign-ins and reset requests older than every rate-limit window (they count for nothing)."""
    await session.execute(delete(LoginFailure).where(LoginFailure.failed_at < before))


async def clear_failures(session: AsyncSession, login: str) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.login == login))
