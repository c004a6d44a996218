from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from tests.factories import PASSWORD
from tests.web.pages.helpers import Browser, signed_in


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


@pytest.fixture(params=[True, False], ids=["htmx", "no-js"])
def visit(browser, request) -> Callable[..., Awaitable[Browser]]:  # type: ignore[no-untyped-def]
    """Signs a person in with a browser that runs htmx, then again (the test's second run) with one that does not:
    a test written with `submit`/`view` and `Answer.accepted`/`refused` checks both ways of using a page."""

    async def sign_in(login: str | None, password: str = PASSWORD) -> Browser:
        """The person's browser, signed in; `None`: a browser nobody has signed in with (the password pages)."""
        if login is None:
            b = await browser()
            b.htmx = request.param
            return b
        return await signed_in(browser, login, password, htmx=request.param)

    return sign_in
