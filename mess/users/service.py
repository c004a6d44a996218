"""Accounts and sign-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess import metrics
from mess.auth.actor import Actor
from mess.auth.passwords import hash_password, verify_password
from mess.config import Settings
from mess.db.engine import Database
from mess.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotAuthenticated, RateLimited
from mess.messes.repository import get_mess
from mess.models import UserAccount
from mess.residents import repository as residents
from mess.users import repository
from mess.users.schemas import Me, UserCreate, UserOut


async def authenticate(
    database: Database, settings: Settings, login: str, password: str, address: str, now: datetime
) -> Actor:
    """The actor behind a login and password; failures are counted and rate limited per login and address.

    It owns its transactions: a failed attempt must be recorded although the request then fails."""
    login = login.replace("\x00", "").strip().lower()  # one person, one failure count, however typed (no NUL)
    async with database.transaction() as session:
        actor = await _check_credentials(session, settings, login, password, address, now)
    if actor is None:
        async with database.transaction() as session:
            window = timedelta(seconds=settings.login_rate_window_seconds)
            await repository.forget_failures_before(session, now - window)
            await repository.add_failure(session, login, address, now)
        metrics.FAILED_LOGINS.inc()
        raise NotAuthenticated("wrong login or password", ErrorCode.INVALID_CREDENTIALS)
    return actor


async def _check_credentials(
    session: AsyncSession, settings: Settings, login: str, password: str, address: str, now: datetime
) -> Actor | None:
    since = now - timedelta(seconds=settings.login_rate_window_seconds)
    if await repository.count_failures(session, login, address, since) >= settings.login_rate_limit:
        raise RateLimited("too many failed sign-ins; wait a few minutes and try again")
    user = await repository.get_by_login(session, login)
    if user is None or not verify_password(user.password_hash if user else None, password) or not user.is_active:
        return None
    await repository.clear_failures(session, login)
    resident_id = await repository.resident_id_of(session, user.id) if user.role == "resident" else None
    return Actor(user.id, user.role, user.mess_id, user.login, user.name, resident_id)


async def create_user(session: AsyncSession, actor: Actor, data: UserCreate, now: datetime) -> UserOut:
    actor.require("admin", "warden")
    if data.role == "admin":
        if not actor.is_admin:
            raise Forbidden("only an admin can create an admin")
        mess_id = None
    else:
        mess_id = actor.mess_for(data.mess_id)
        if await get_mess(session, mess_id) is None:
            raise InvalidInput("This mess does not exist.", field="mess_id")
    if await repository.get_by_login(session, data.login):
        raise Conflict(f"the login {data.login!r} is taken", ErrorCode.ALREADY_EXISTS)
    user = UserAccount(
        login=data.login,
        name=data.name,
        role=data.role,
        mess_id=mess_id,
        password_hash=hash_password(data.password),
        created_at=now,
    )
    session.add(user)
    await session.flush()
    return UserOut.model_validate(user)


async def me(session: AsyncSession, actor: Actor) -> Me:
    mess = await get_mess(session, actor.mess_id) if actor.mess_id else None
    resident = await residents.get(session, actor.resident_id) if actor.resident_id else None
    return Me(
        id=actor.user_id,
        role=actor.role,
        login=actor.login,
        roll_no=resident.roll_no if resident else None,
        name=resident.name if resident else actor.name,
        mess_id=actor.mess_id,
        mess_code=mess.code if mess else None,
        resident_id=actor.resident_id,
    )
