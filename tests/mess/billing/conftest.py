"""Billing tests enqueue to a real Redis (a dedicated db and a queue prefix unique to this test session)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from mess.config import Settings
from mess.db.engine import Database
from tests.support.databases import QUEUE_REDIS_URL
from tests.support.loop import ExampleLoop
from tests.support.queues import session_queue_prefix


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


@pytest.fixture
def example_loop(settings: Settings) -> Iterator[ExampleLoop]:
    with asyncio.Runner() as runner:
        database = Database(settings)
        try:
            yield ExampleLoop(runner, database)
        finally:
            runner.run(database.dispose())
