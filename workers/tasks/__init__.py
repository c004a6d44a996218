"""Celery tasks: thin wrappers that open a unit of work and call the mess services."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from mess.config import get_settings
from mess.db.engine import Database

T = TypeVar("T")


def run_async(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run async service code from a (thread-pool) task: its own event loop and its own connections."""

    async def main() -> T:
        database = Database(get_settings(), null_pool=True)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(main())


def backoff(retries: int) -> int:
    """Exponential backoff for transient database errors: 5, 10, 20, 40 ... seconds, at most 5 minutes."""
    return int(min(300, 5 * 2**retries))
