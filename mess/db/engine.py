"""Engines and the one session factory (read-write and read-only) for every app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import NullPool

from mess.config import Settings, get_settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _drop_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Checkout: a pooled connection the server has closed (a PostgreSQL restart, an idle timeout) is replaced.
    asyncpg notices the closed socket on its own, so this costs no round trip; pool_pre_ping would cost three per
    request with asyncpg (BEGIN, a ping, ROLLBACK). A connection that dies unnoticed fails its request with a 503
    and the pool drops every connection older than the failure."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the database server closed this pooled connection")


def make_engine(url: str, settings: Settings | None = None, *, null_pool: bool = False) -> AsyncEngine:
    settings = settings or get_settings()
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 15}
    elif null_pool:
        kwargs["poolclass"] = NullPool
    else:
        kwargs.update(
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_recycle=1800,
        )
    # Through the module: with tracing on (mess/kit/tracing) the instrumentation wraps it there.
    engine = sa_asyncio.create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    elif not null_pool:
        event.listen(engine.sync_engine, "checkout", _drop_closed_connection)
    return engine


class ReadOnlySession(Session):
    """A session that only reads: a write is a bug, refused before it reaches the database (a read session runs
    in autocommit on PostgreSQL, where a stray write would be kept at once)."""


class WriteInReadSession(RuntimeError):
    pass


@event.listens_for(ReadOnlySession, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadSession("a write in a read-only session: use the request's transaction (a POST, not a GET)")


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInReadSession("a write in a read-only session: use the request's transaction (a POST, not a GET)")


class Database:
    """The engines and session makers of one process."""

    def __init__(self, settings: Settings | None = None, *, null_pool: bool = False) -> None:
        self.settings = settings or get_settings()
        self.engine = make_engine(self.settings.database_url, self.settings, null_pool=null_pool)
        read_url = self.settings.database_read_url
        self._read_engine = make_engine(read_url, self.settings, null_pool=null_pool) if read_url else None
        read_engine = self._read_engine or self.engine
        if read_engine.dialect.name == "postgresql":
            # Reads run without BEGIN/ROLLBACK (two round trips per request): at READ COMMITTED every statement
            # takes its own snapshot either way, so a read-only unit of work sees exactly what it saw before.
            read_engine = read_engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_engine = read_engine
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.read_sessionmaker = async_sessionmaker(
            self.read_engine, expire_on_commit=False, autoflush=False, sync_session_class=ReadOnlySession
        )
        # A unit of work whose only write is ONE statement is atomic without BEGIN/COMMIT: on PostgreSQL it runs in
        # autocommit on the primary (same pool), two round trips fewer. SQLite keeps its transaction.
        single = self.engine
        if single.dialect.name == "postgresql":
            single = single.execution_options(isolation_level="AUTOCOMMIT")
        self.single_statement_sessionmaker = async_sessionmaker(single, expire_on_commit=False, autoflush=False)
        # Reads that must see the latest commit (a page after its own POST) go to the primary, without BEGIN.
        self.primary_read_sessionmaker = async_sessionmaker(
            single, expire_on_commit=False, autoflush=False, sync_session_class=ReadOnlySession
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends normally, rolls back otherwise."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that writes with at most ONE statement (reads before it see committed data, as they do
        at READ COMMITTED inside a transaction). Two statements that must land together need transaction()."""
        if self.engine.dialect.name != "postgresql":
            async with self.transaction() as session:
                yield session
            return
        async with self.single_statement_sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def read_only(self) -> AsyncIterator[AsyncSession]:
        """Reads that may lag a little: the replica when MESS_DATABASE_READ_URL is set (reports, analytics)."""
        async with self.read_sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """Reads on the primary (they see every commit, the caller's own included), in autocommit on PostgreSQL."""
        async with self.primary_read_sessionmaker() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._read_engine is not None:
            await self._read_engine.dispose()
