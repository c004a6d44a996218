"""One event loop for many awaits from synchronous test code (Hypothesis tests run their examples synchronously)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from mess.db.engine import Database

T = TypeVar("T")


class ExampleLoop:
    """One event loop and one pooled Database shared by every example of a Hypothesis test.

    An engine per example (on an asyncio.run loop per example) compiled every statement again for each example:
    SQLAlchemy caches compiled SQL per engine. The examples still share nothing else: each builds its own mess."""

    def __init__(self, runner: asyncio.Runner, database: Database) -> None:
        self.runner = runner
        self.database = database

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)
