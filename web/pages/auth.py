"""Sign in and out with a cookie session (the same signed token the REST API accepts as a bearer token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from mess.auth.tokens import issue_access_token, read_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.errors import MessError, NotAuthenticated, RateLimited
from mess.users import service as users
from web.deps import SESSION_COOKIE, NowDep, SettingsDep, get_database
from web.pages.rendering import page_router, render
from web.security import clear_session_cookie, rotate_csrf_cookie, safe_next, set_session_cookie

router = page_router(tags=["pages"])


def home_of(role: str) -> str:
    return {"resident": "/week", "staff": "/counter"}.get(role, "/warden")


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/")
async def home(request: Request, settings: SettingsDep, now: NowDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            actor = read_access_token(token, settings.secret_key.get_secret_value(), now)
        except NotAuthenticated:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse(home_of(actor.role), status_code=303)
    return RedirectResponse("/login", status_code=303)


def sso_name(settings: Settings) -> str | None:
    """The institute's name for the "Sign in with ..." button, when single sign-on is set up."""
    return settings.oidc_name if settings.oidc_issuer and settings.oidc_client_id else None


@router.get("/login")
async def login_form(request: Request, settings: SettingsDep, next: str = "") -> Response:
    context = {"next": safe_next(next, ""), "username": "", "error": None, "sso_name": sso_name(settings)}
    return render(request, "login.html", context)


@router.post("/login")
async def login(
    request: Request,
    database: Annotated[Database, Depends(get_database)],
    settings: SettingsDep,
    now: NowDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    # Not forms.submit: a refused sign-in must keep the failure it counted (authenticate commits on its own, there
    # is no request transaction to roll back), 429 has its own answer, and success sets cookies, not a notice.
    context = {"next": safe_next(next, ""), "username": username.strip(), "sso_name": sso_name(settings)}
    if not username.strip() or not password:
        return render(request, "login.html", {**context, "error": "Enter your login and password."}, status_code=422)
    try:
        # authenticate() counts failures and refuses after too many (rate limiting per login and address).
        actor = await users.authenticate(database, settings, username.strip(), password, client_address(request), now)
    except RateLimited as exc:
        return render(request, "login.html", {**context, "error": exc.message}, status_code=429)
    except MessError as exc:
        message = "Wrong login or password." if isinstance(exc, NotAuthenticated) else exc.message
        return render(request, "login.html", {**context, "error": message}, status_code=exc.status_code)
    token = issue_access_token(actor, settings.secret_key.get_secret_value(), now, settings.access_token_minutes)
    target = safe_next(next, home_of(actor.role))
    response: Response = RedirectResponse(target, status_code=303)
    if request.headers.get("hx-request") == "true":
        response = Response(status_code=204, headers={"HX-Redirect": target})
    set_session_cookie(response, token, settings)
    rotate_csrf_cookie(response, settings)
    return response


@router.post("/logout")
async def logout(request: Request, settings: SettingsDep) -> Response:
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, settings)
    rotate_csrf_cookie(response, settings)
    return response
