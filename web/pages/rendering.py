"""The one place that renders a page: the full page, or only its fragment when htmx asks (HX-Request).

Page routers come from `page_router()`: every route checks CSRF on unsafe methods, and a domain error raised in a
page is answered with an HTML page (or fragment) instead of the REST API's JSON.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from mess import text
from mess.auth.actor import Actor
from mess.errors import MessError, NotAuthenticated
from mess.kit.dates import zone
from web.security import clear_flash, csrf_token, read_flash, set_flash, verify_csrf

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def money(amount: int | None, currency: str = "INR") -> str:
    return text.money(amount, currency)


def local_time(moment: datetime | None, tz_name: str, pattern: str | None = None) -> str:
    """'Tue 01 Dec, 7:30 pm' in the mess's time; a pattern only where a page needs another shape."""
    if moment is None:
        return ""
    if pattern is None:
        return text.moment(moment, tz_name)
    return moment.astimezone(zone(tz_name)).strftime(pattern)


def day_label(day: date) -> str:
    return text.day(day)


def hhmm(value: time | None) -> str:
    return text.clock_time(value) if value else ""


environment.filters.update(
    money=money, local_time=local_time, day_label=day_label, hhmm=hhmm, month_name=text.month, count=text.count
)


def is_htmx(request: Request) -> bool:
    """htmx asks for a fragment; a boosted navigation or a history restore wants the whole page."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-boosted") != "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _base_context(request: Request, actor: Actor | None) -> dict[str, Any]:
    # unread: the resident's unread notifications, for the badge (set by web/pages/deps.resident_mess).
    unread = getattr(request.state, "unread", 0)
    return {"request": request, "actor": actor, "csrf": csrf_token(request), "path": request.url.path, "unread": unread}


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
    block: str = "content",
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """One route, two modes: the whole page, or (for htmx) only the named block of the same template."""
    template = environment.get_template(template_name)
    values = _base_context(request, actor)
    values.update(context or {})
    flash = None
    if is_htmx(request):
        html = "".join(template.blocks[block](template.new_context(values)))
    else:
        flash = read_flash(request)
        values["flash"] = flash
        html = template.render(values)
    response = HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
    if flash is not None:
        clear_flash(response, request.app.state.settings)
    return response


def render_fragment(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A partial template on its own (a table cell, a check-in result)."""
    values = _base_context(request, actor)
    values.update(context or {})
    html = environment.get_template(template_name).render(values)
    return HTMLResponse(html, status_code=status_code)


def redirect(request: Request, url: str, message: str | None = None, kind: str = "info") -> Response:
    """After a form post without JavaScript: back to the page (303), with a one-time message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        set_flash(response, request.app.state.settings, message, kind)
    return response


class PageRoute(APIRoute):
    """Marks a route as a page: its errors are rendered as HTML."""

    renders_html = True


def page_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=PageRoute, dependencies=[Depends(verify_csrf)], include_in_schema=False, **kwargs)


def _is_page(request: Request) -> bool:
    return bool(getattr(request.scope.get("route"), "renders_html", False))


def _wants_html(request: Request) -> bool:
    """A browser asking for a page that does not exist (no route matched) gets an HTML answer too."""
    path = request.url.path
    if path.startswith(("/api/", "/static/", "/metrics", "/healthz", "/readyz", "/openapi", "/docs", "/redoc")):
        return False
    return "text/html" in request.headers.get("accept", "")


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(target, safe='')}"
    if is_htmx(request) or request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status_code: int, message: str, code: str) -> HTMLResponse:
    context = {"status_code": status_code, "message": message, "code": code}
    if request.headers.get("hx-request") == "true":
        return render_fragment(request, "partials/error.html", context, status_code=status_code)
    return render(request, "error.html", context, status_code=status_code)


async def _call(handler: Any, request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    if inspect.isawaitable(result):
        result = await result
    return cast(Response, result)


def install(app: FastAPI) -> None:
    """Wrap the JSON error handlers: page routes get HTML, everything else keeps the REST answer."""
    json_domain = app.exception_handlers[MessError]
    json_invalid = app.exception_handlers[RequestValidationError]
    json_http = app.exception_handlers[StarletteHTTPException]

    async def domain(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await _call(json_domain, request, exc)
        error = cast(MessError, exc)
        if isinstance(error, NotAuthenticated):
            return login_redirect(request)
        return error_page(request, error.status_code, error.message, str(error.code))

    async def invalid(request: Request, exc: Exception) -> Response:
        if not _is_page(request):
            return await _call(json_invalid, request, exc)
        parts = []
        for error in cast(RequestValidationError, exc).errors()[:3]:
            loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
            parts.append(f"{loc}: {error.get('msg', '')}" if loc else str(error.get("msg", "")))
        return error_page(request, 422, "; ".join(parts) or "the form has invalid values", "invalid_input")

    async def http(request: Request, exc: Exception) -> Response:
        if not (_is_page(request) or _wants_html(request)):
            return await _call(json_http, request, exc)
        error = cast(StarletteHTTPException, exc)
        return error_page(request, error.status_code, str(error.detail), "error")

    app.add_exception_handler(MessError, domain)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http)
