"""The async database from Streamlit's threads: one event loop in a background thread owns the engines, so the
connection pool is reused across reruns and sessions instead of reconnecting on every click."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from mess.config import Settings
from mess.db.engine import Database

T = TypeVar("T")
QUERY_TIMEOUT_SECONDS = 60

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_databases: dict[tuple[str, str | None], Database] = {}


def _event_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="mess-analytics-db", daemon=True).start()
        return _loop


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the database loop and wait for its result (Streamlit scripts are synchronous)."""
    return asyncio.run_coroutine_threadsafe(coroutine, _event_loop()).result(timeout=QUERY_TIMEOUT_SECONDS)


def database_for(settings: Settings) -> Database:
    key = (settings.database_url, settings.database_read_url)
    with _lock:
        database = _databases.get(key)
        if database is None:
            database = _databases[key] = Database(settings)
        return database
