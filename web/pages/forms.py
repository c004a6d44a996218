"""The one way a page handles a form post: run the action, and answer with or without JavaScript.

    @router.post("/me/feedback")
    async def rate_meal(request: Request, session: SessionDep, actor: ActorDep, mess: ResidentMess, now: NowDep):
        form = await form_of(request)

        async def action() -> str:  # the service call; its answer is the notice shown when it worked
            await feedback.rate_meal(session, actor, parse_form(FeedbackIn, form), now)
            return "Thank you: your rating is saved."

        async def page(shown: Outcome) -> Response:  # the page again, with shown.context in its template
            return await _feedback_page(request, session, actor, mess, now, **shown.context)

        return await submit(request, session, action, page, back="/me/feedback")

A domain error (MessError) from the action rolls the request's transaction back. Without JavaScript the browser
is sent back (303) with the notice or the error as a one-time message; under htmx the page (or fragment) is
rendered again in place with `notice`, or with `error`, `error_field`, the typed `values` and the error's status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess.errors import InvalidInput, MessError
from mess.text.validation import explain
from web.pages.deps import reload_kept
from web.pages.rendering import is_htmx, redirect

M = TypeVar("M", bound=BaseModel)
# Never sent back into a page: what was typed there stays in the browser only.
SECRET_FIELDS = frozenset({"csrf_token", "password", "new_password", "current_password"})


@dataclass(frozen=True)
class Outcome:
    """What a page shows after a form: the notice, or the refused error with what was typed."""

    notice: str | None = None
    error: MessError | None = None
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def status_code(self) -> int:
        return self.error.status_code if self.error else 200

    @property
    def context(self) -> dict[str, Any]:
        """The template's keys: `notice`, or `error` + `error_field` (the field it is about) + `values`."""
        if self.error is None:
            return {"notice": self.notice}
        return {
            "error": self.error.message,
            "error_field": self.error.field,
            "values": dict(self.values),
            "status_code": self.status_code,
        }


Page = Callable[[Outcome], Awaitable[Response]]


async def submit(
    request: Request,
    session: AsyncSession,
    action: Callable[[], Awaitable[str]],
    page: Page,
    *,
    back: str | Callable[[Outcome], str | None] | None,
) -> Response:
    """Run `action` (it returns the notice); `back` is where a browser without JavaScript goes next (None: the
    page is rendered in both modes, e.g. the counter's check-in result; a function of the outcome may say None
    too, e.g. a refused import shown again with its rows)."""
    try:
        outcome = Outcome(notice=await action())
    except MessError as exc:
        await session.rollback()
        await reload_kept(session)
        typed = {k: v for k, v in (await form_of(request)).items() if k not in SECRET_FIELDS}
        outcome = Outcome(error=exc, values=typed)
    url = back(outcome) if callable(back) else back
    if url is None or is_htmx(request):
        return await page(outcome)
    if outcome.error is not None:
        return redirect(request, url, outcome.error.message, "error")
    return redirect(request, url, outcome.notice, "ok")


async def form_of(request: Request) -> dict[str, str]:
    """The posted text fields, stripped (Starlette keeps the parsed form, so reading it twice is free)."""
    form = await request.form()
    return {key: value.strip() for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def parse_form(model: type[M], data: Mapping[str, Any]) -> M:
    """A service's input model from form fields; empty fields count as absent. Bad values become a clear 422."""
    cleaned = {key: value for key, value in data.items() if value not in ("", None)}
    try:
        return model.model_validate(cleaned)
    except ValidationError as exc:
        message, field = explain(exc.errors())
        raise InvalidInput(message, field=field) from exc


def parse_money(text: str, field: str = "amount") -> int:
    """'1,250.50' -> 125050 minor units; integers only, never a float on the way."""
    raw = text.replace(",", "").replace(" ", "").strip()
    sign = -1 if raw.startswith("-") else 1
    raw = raw.lstrip("+-")
    major, _, minor = raw.partition(".")
    if not major.isdigit() and not (major == "" and minor.isdigit()):
        raise InvalidInput("Write an amount like 1250 or 1250.50.", field=field)
    if minor and (not minor.isdigit() or len(minor) > 2):
        raise InvalidInput("Write at most two digits after the point.", field=field)
    return sign * (int(major or "0") * 100 + int((minor + "00")[:2]))
