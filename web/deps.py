"""Dependencies: the request's session (the request owns the transaction), the caller, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.auth.tokens import read_access_token
from mess.bookings import service as bookings
from mess.config import Settings
from mess.db.engine import Database
from mess.errors import NotAuthenticated
from mess.kit import logs
from mess.kit.clock import Clock
from mess.notifications import events as notifications
from mess.notifications.dispatch import wake_sender

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

# Every dependency here is `async def` although none awaits: FastAPI runs a plain `def` dependency in a worker
# thread, and those thread hops were most of a booking's CPU time (bench/booking_rush.py).

SESSION_COOKIE = "mess_session"


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_now(clock: Annotated[Clock, Depends(get_clock)]) -> datetime:
    return clock.now()


# The rule (docs/architecture.md): a GET only reads, through a read-only session on the primary (autocommit, no
# BEGIN/ROLLBACK; it sees the caller's own last write); every other method writes in the request's transaction.
READ_METHODS = frozenset({"GET", "HEAD"})


async def get_session(
    request: Request, database: Annotated[Database, Depends(get_database)]
) -> AsyncIterator[AsyncSession]:
    """The unit of work of one request: a GET's read-only session, or a transaction committed when the endpoint
    returns and rolled back on any error."""
    unit = database.reading() if request.method in READ_METHODS else database.transaction()
    async with unit as session:
        yield session
    if session.info.get(notifications.PENDING):  # committed: wake the sender of what it told (PRODUCT 7.3)
        await wake_sender(request.app.state.settings)


async def get_booking_change_session(
    database: Annotated[Database, Depends(get_database)], actor: Annotated[Actor, Depends(get_actor)]
) -> AsyncIterator[AsyncSession]:
    """The unit of work of a booking change, for the API and the week page alike: a resident's own change writes
    ONE statement, atomic by itself (no BEGIN/COMMIT round trips in the booking rush); a staff change writes its
    audit row too, both in one transaction. Either way the write is stored before the response is sent."""
    unit = database.single_statement() if bookings.writes_one_statement(actor) else database.transaction()
    async with unit as session:
        yield session


async def get_read_session(database: Annotated[Database, Depends(get_database)]) -> AsyncIterator[AsyncSession]:
    """A GET that tolerates a replica's lag (reports, the live headcount): the read replica when one is set."""
    async with database.read_only() as session:
        yield session


async def get_actor(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    # The bearer token of API clients, or the session cookie of the pages (same signed token). Settings and clock
    # come from the app's state directly: every sub-dependency is solved again on every request.
    token = token or request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated("sign in first: send Authorization: Bearer <token>")
    state = request.app.state
    actor = read_access_token(token, state.settings.secret_key.get_secret_value(), state.clock.now())
    context = logs.current_context()
    if context is not None:  # the request's log lines (and its access line) name the caller
        context.user_id, context.mess_id = actor.user_id, actor.mess_id
    return actor


# scope="function": the commit happens before the response is sent, so a 200 always means "stored".
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
BookingChangeSessionDep = Annotated[AsyncSession, Depends(get_booking_change_session, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
ActorDep = Annotated[Actor, Depends(get_actor)]
NowDep = Annotated[datetime, Depends(get_now)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
