"""Billing tests enqueue to a real Redis (a dedicated db and a queue prefix unique to this test session)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from mess.config import Settings
from mess.db.engine import Database
from tests.support.databases import QUEUE_REDIS_URL
from tests.support.queues import session_queue_prefix

T = TypeVar("T")


@pytest.fixture(scope="session")
def queue_prefix() -> Iterator[str]:
    yield from session_queue_prefix("test", QUEUE_REDIS_URL)


@pytest.fixture
def settings(database_url: str, queue_prefix: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=QUEUE_REDIS_URL,
        secret_key="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
        login_rate_limit=5,
        queue_prefix=queue_prefix,  # the queues of this test session only
    )


class ExampleLoop:
    """One event loop and one pooled Database shared by every example of a Hypothesis test.

    An engine per example (on an asyncio.run loop per example) compiled every statement again for each example:
    SQLAlchemy caches compiled SQL per engine. The examples still share nothing else: each builds its own mess."""

    def __init__(self, runner: asyncio.Runner, database: Database) -> None:
        self.runner = runner
        self.database = database

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)


@pytest.fixture
def example_loop(settings: Settings) -> Iterator[ExampleLoop]:
    with asyncio.Runner() as runner:
        database = Database(settings)
        try:
            yield ExampleLoop(runner, database)
        finally:
            runner.run(database.dispose())
