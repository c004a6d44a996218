"""Browser security for the pages: session cookie, CSRF tokens, flash messages and security headers.

CSRF is a signed double submit: a random `mess_csrf` cookie, and in every form (or the X-CSRF-Token header that
htmx sends) an HMAC of that cookie under the app's secret. The token in a page is masked with a fresh random pad
on every render, so a compressed page never repeats a secret byte string (BREACH).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mess.config import Settings
from mess.errors import ErrorCode, Forbidden
from web.deps import SESSION_COOKIE

CSRF_COOKIE = "mess_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
FLASH_COOKIE = "mess_flash"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# FastAPI's interactive docs load Swagger UI from a CDN; they get the other headers but not the strict CSP.
_DOCS_PATHS = ("/docs", "/redoc")


def _secret(settings: Settings) -> bytes:
    return settings.secret_key.get_secret_value().encode()


# --- CSRF -------------------------------------------------------------------------------------------------------


def _expected(settings: Settings, cookie_value: str) -> bytes:
    return hmac.new(_secret(settings), f"csrf:{cookie_value}".encode(), hashlib.sha256).digest()


def csrf_cookie_value(request: Request) -> str:
    """The browser's CSRF cookie, or the one the middleware is about to set on this response."""
    state_value = request.scope.get("state", {}).get("csrf_cookie")
    return str(state_value or request.cookies.get(CSRF_COOKIE) or "")


def csrf_token(request: Request) -> str:
    """A fresh masked token for a form on this page."""
    settings: Settings = request.app.state.settings
    expected = _expected(settings, csrf_cookie_value(request))
    pad = secrets.token_bytes(len(expected))
    masked = bytes(a ^ b for a, b in zip(expected, pad, strict=True))
    return base64.urlsafe_b64encode(pad + masked).decode().rstrip("=")


def csrf_valid(settings: Settings, cookie_value: str | None, token: str | None) -> bool:
    if not cookie_value or not token:
        return False
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return False
    half = len(raw) // 2
    if len(raw) != 64:
        return False
    unmasked = bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True))
    return hmac.compare_digest(unmasked, _expected(settings, cookie_value))


async def verify_csrf(request: Request) -> None:
    """Router dependency of every page: an unsafe request needs a valid token (form field or header)."""
    if request.method not in UNSAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    if not token:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not csrf_valid(request.app.state.settings, request.cookies.get(CSRF_COOKIE), token):
        raise Forbidden(
            "the form expired or did not come from this site; reload the page and try again", ErrorCode.CSRF_FAILED
        )


# --- session cookie and flash -----------------------------------------------------------------------------------


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)


def rotate_csrf_cookie(response: Response, settings: Settings) -> None:
    """A new CSRF secret at sign-in and sign-out, so a token seen before cannot be used after."""
    _set_csrf_cookie(response.headers, secrets.token_urlsafe(32), settings)


def _set_csrf_cookie(headers: MutableHeaders, value: str, settings: Settings) -> None:
    cookie: SimpleCookie = SimpleCookie()
    cookie[CSRF_COOKIE] = value
    morsel = cookie[CSRF_COOKIE]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if settings.secure_cookies:
        morsel["secure"] = True
    headers.append("set-cookie", morsel.OutputString())


def _flash_serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key.get_secret_value(), salt="mess-flash")


def set_flash(response: Response, settings: Settings, message: str, kind: str = "info") -> None:
    """A one-time message for the page a no-JavaScript form redirects to."""
    value = _flash_serializer(settings).dumps({"m": message[:300], "k": kind})
    response.set_cookie(
        FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


def read_flash(request: Request) -> dict[str, str] | None:
    value = request.cookies.get(FLASH_COOKIE)
    if not value:
        return None
    try:
        data = _flash_serializer(request.app.state.settings).loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return {"message": str(data.get("m", "")), "kind": str(data.get("k", "info"))}


def clear_flash(response: Response, settings: Settings) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target after sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


# --- middleware -------------------------------------------------------------------------------------------------


class SecurityMiddleware:
    """Security headers on every response, the CSRF cookie for browsers without one, and CSRF for the REST API
    when it is called with the session cookie instead of a bearer token."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        new_csrf: str | None = None
        # Browsers get a CSRF cookie; a bearer-token client (the REST API, the booking rush) has no use for one.
        if not request.cookies.get(CSRF_COOKIE) and "authorization" not in request.headers:
            new_csrf = secrets.token_urlsafe(32)
            scope.setdefault("state", {})["csrf_cookie"] = new_csrf

        if (
            scope.get("method") in UNSAFE_METHODS
            and scope.get("path", "").startswith("/api/")
            and request.cookies.get(SESSION_COOKIE)
            and not request.headers.get("authorization")
            and not csrf_valid(self.settings, request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER))
        ):
            response = JSONResponse(
                {"detail": "a cookie-authenticated API call needs the X-CSRF-Token header", "code": "csrf_failed"},
                status_code=403,
            )
            await response(scope, receive, self._sender(send, scope, new_csrf))
            return
        await self.app(scope, receive, self._sender(send, scope, new_csrf))

    def _sender(self, send: Send, scope: Scope, new_csrf: str | None) -> Send:
        path = str(scope.get("path", ""))
        settings = self.settings

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not path.startswith(_DOCS_PATHS):
                    headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("cross-origin-opener-policy", "same-origin")
                headers.setdefault("permissions-policy", "camera=(self), microphone=(), geolocation=(), payment=()")
                if settings.secure_cookies:
                    headers.setdefault("strict-transport-security", "max-age=31536000; includeSubDomains")
                if path.startswith("/static/"):
                    headers.setdefault("cache-control", "public, max-age=86400")
                content_type = headers.get("content-type", "")
                if content_type.startswith("text/html"):
                    # Pages carry per-user data and CSRF tokens: never cached by shared caches.
                    headers.setdefault("cache-control", "no-store")
                already = any(v.startswith(f"{CSRF_COOKIE}=") for k, v in headers.items() if k.lower() == "set-cookie")
                if new_csrf and not already:
                    _set_csrf_cookie(headers, new_csrf, settings)
            await send(message)

        return send_with_headers
