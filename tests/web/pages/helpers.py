"""Helpers for page tests: a browser-like client that signs in through the login form and posts forms with CSRF."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
HX = {"HX-Request": "true"}
FLASH_RE = re.compile(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', re.S)


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@dataclass
class Answer:
    """A page form's answer as the person sees it: under htmx the fragment swapped in; without JavaScript the page
    the 303 leads back to (with its one-time message), or the page itself when the form answers in place."""

    htmx: bool
    status_code: int  # the post's own status (303 for a form that went back)
    text: str
    location: str | None = None
    flash: tuple[str, str] | None = None  # (kind, message) shown once after the redirect

    def _shows(self, shown: tuple[str, ...]) -> None:
        for part in shown:
            assert part in self.text, f"{part!r} not in the answer:\n{self.text[:3000]}"

    def accepted(self, *shown: str) -> Answer:
        """It worked: 200 and a fragment under htmx, a 303 back with an "ok" message without JavaScript."""
        if self.htmx:
            assert self.status_code == 200 and "<html" not in self.text, (self.status_code, self.text[:2000])
        elif self.location is not None:
            assert self.flash and self.flash[0] == "ok", self.flash
        else:
            assert self.status_code == 200, (self.status_code, self.text[:2000])
        self._shows(shown)
        return self

    def refused(self, status_code: int, *shown: str) -> Answer:
        """Refused with this status under htmx; without JavaScript a 303 back with the error as the message."""
        if self.htmx or self.location is None:
            assert self.status_code == status_code, (self.status_code, self.text[:2000])
        else:
            assert self.flash and self.flash[0] == "error", self.flash
        self._shows(shown)
        return self


class Browser:
    """One person's browser: its own cookie jar, signing in through the pages like a person does.

    `htmx` says whether it runs the pages' JavaScript: `submit` and `view` then send htmx's HX-Request header."""

    def __init__(self, client: httpx.AsyncClient, htmx: bool = False) -> None:
        self.client = client
        self.token = ""
        self.htmx = htmx

    async def view(self, url: str) -> httpx.Response:
        """GET the way this browser asks: the fragment under htmx, else the whole page."""
        return await self.get(url, headers=HX if self.htmx else None)

    async def fragment(self, url: str) -> httpx.Response:
        """GET what htmx asks for when a page polls or swaps part of itself (whatever this browser's mode)."""
        return await self.get(url, headers=HX)

    async def submit(self, url: str, data: dict[str, Any] | None = None, *, files: Any = None) -> Answer:
        """Post a page form as this browser does, and read its answer (following a redirect without JavaScript);
        `files` (httpx's) makes it a multipart form with file fields."""
        response = await self.post(url, data, headers=HX if self.htmx else None, files=files)
        if self.htmx or response.status_code != 303:
            return Answer(self.htmx, response.status_code, response.text)
        location = response.headers["location"]
        page = await self.get(location)
        match = FLASH_RE.search(page.text)
        flash = (match.group(1), html.unescape(match.group(2))) if match else None
        return Answer(False, response.status_code, page.text, location, flash)

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


async def signed_in(browser_factory: Any, login: str, password: str = PASSWORD, *, htmx: bool = False) -> Browser:
    b = await browser_factory()
    b.htmx = htmx
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
