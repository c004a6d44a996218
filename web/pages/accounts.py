"""Password pages: forgotten password, setting one from an emailed link (reset or invite), changing one's own."""

from __future__ import annotations

from typing import Any

from fastapi import BackgroundTasks, Query, Request
from starlette.responses import Response

from mess.accounts import service as accounts
from mess.errors import InvalidInput
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.mailing import send_after_response
from web.pages.forms import Outcome, form_of, submit
from web.pages.rendering import page_router, render

router = page_router(tags=["pages"])
SENT = (
    "If that roll number, login or email belongs to an account with an email address, a link to choose a new "
    "password is on its way. It works once, for 30 minutes."
)


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    return render(request, template, context, status_code=context.pop("status_code", status_code))


@router.get("/password/forgot")
async def forgot_form(request: Request) -> Response:
    return _page(request, "accounts/forgot.html")


@router.post("/password/forgot")
async def forgot(
    request: Request, background: BackgroundTasks, session: SessionDep, settings: SettingsDep, now: NowDep
) -> Response:
    form = await form_of(request)

    async def action() -> str:
        address = request.client.host if request.client else ""
        typed = form.get("login", "").replace("\x00", "")[:254]
        mails = await accounts.request_reset(session, settings, typed, address, now)
        send_after_response(background, request, mails)
        return SENT

    async def page(shown: Outcome) -> Response:
        return _page(request, "accounts/forgot.html", **shown.context)

    return await submit(request, session, action, page, back="/password/forgot")


@router.get("/password/set")
async def set_form(request: Request, token: str = Query("", max_length=200)) -> Response:
    return _page(request, "accounts/set.html", token=token)


@router.post("/password/set")
async def set_password(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep) -> Response:
    form = await form_of(request)
    raw = await request.form()
    new, again = str(raw.get("new_password", "")), str(raw.get("new_password_again", ""))
    token = form.get("token", "")[:200]

    async def action() -> str:
        if new != again:
            raise InvalidInput("the two passwords are not the same; type them again")
        login = await accounts.set_password_with_link(session, settings, token, new, now)
        return f"Your password is set. Sign in with {login} and the new password."

    async def page(shown: Outcome) -> Response:
        return _page(request, "accounts/set.html", token=token, **shown.context)

    # Refused: the form again in place (it carries the emailed token); set: on to the sign-in page.
    return await submit(request, session, action, page, back=lambda shown: None if shown.error else "/login")


@router.get("/account/password")
async def change_form(request: Request, actor: ActorDep) -> Response:
    return render(request, "accounts/change.html", {}, actor=actor)


@router.post("/account/password")
async def change(request: Request, session: SessionDep, actor: ActorDep) -> Response:
    raw = await request.form()
    current, new = str(raw.get("current_password", "")), str(raw.get("new_password", ""))

    async def action() -> str:
        if new != str(raw.get("new_password_again", "")):
            raise InvalidInput("the two new passwords are not the same; type them again")
        await accounts.change_password(session, actor, current, new)
        return "Your password is changed. Use the new one next time you sign in."

    async def page(shown: Outcome) -> Response:
        return render(request, "accounts/change.html", shown.context, actor=actor, status_code=shown.status_code)

    return await submit(request, session, action, page, back="/account/password")
