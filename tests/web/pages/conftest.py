from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from tests.web.pages.helpers import Browser


@pytest.fixture
async def browser(app) -> AsyncIterator[Callable[[], Awaitable[Browser]]]:  # type: ignore[no-untyped-def]
    """A factory of independent browsers (cookie jars) on the test app."""
    opened: list[Browser] = []

    async def make() -> Browser:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        opened.append(Browser(client))
        return opened[-1]

    yield make
    for b in opened:
        await b.aclose()
