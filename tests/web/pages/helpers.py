"""Helpers for page tests: a browser-like client that signs in through the login form and posts forms with CSRF."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
HX = {"HX-Request": "true"}


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Browser:
    """One person's browser: its own cookie jar, signing in through the pages like a person does."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token = ""

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.get(url, **kwargs)
        if CSRF_RE.search(response.text):
            self.token = csrf_of(response.text)
        return response

    async def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any):
        if csrf and not self.token:
            await self.get("/login")
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.token)
        return await self.client.post(url, data=form, **kwargs)

    async def sign_in(self, login: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/login")
        response = await self.post("/login", {"username": login, "password": password})
        assert response.status_code == 303, response.text
        # A fresh CSRF secret comes with the session: pick up a token made from it.
        await self.get(response.headers["location"])
        return response

    async def aclose(self) -> None:
        await self.client.aclose()


async def signed_in(browser_factory: Any, login: str, password: str = PASSWORD) -> Browser:
    b = await browser_factory()
    await b.sign_in(login, password)
    return b


DEMO_SLOTS = ("breakfast", "lunch", "snacks", "dinner")


async def set_prices(world: Any, warden: Any, slots: tuple[str, ...] = DEMO_SLOTS) -> None:
    from datetime import date

    from mess.pricing.schemas import PriceIn
    from mess.pricing.service import create_price

    async with world.database.transaction() as session:
        for slot in slots:
            await create_price(
                session,
                warden.actor,
                PriceIn(slot=slot, price=4000, guest_price=5000, walk_in_price=6000, effective_from=date(2025, 1, 1)),
                world.clock.now(),
            )


async def bill_month(world: Any, warden: Any, month: str) -> int:
    """Request and execute a billing run the way the worker does; the run id."""
    from mess.billing import service as billing
    from mess.billing.runner import execute_run

    async with world.database.transaction() as session:
        run = await billing.request_run(session, warden.actor, month, world.clock.now(), None)
        run_id = run.id
    report = await execute_run(world.database, run_id, world.clock.now)
    assert report.status == "succeeded", report
    return run_id
