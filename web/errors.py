"""Domain errors mapped to responses in one place: {"detail": ..., "code": ...} with a fitting status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from mess.errors import ErrorCode, MessError
from mess.text.validation import explain

_HTTP_CODES = {
    400: "invalid_input",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


DATABASE_UNAVAILABLE = "the database is unreachable right now (restarting or overloaded); nothing was saved, try again"
# SQLSTATE: class 08 connection exceptions; 57P01-57P03 shutdown/crash/starting up; 53300 too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached (a restart, a failover), not a bug in a query."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return True
        sqlstate = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
        if sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        cause = exc.orig.__cause__ if exc.orig is not None else None
        return isinstance(exc.orig, ConnectionError) or isinstance(cause, ConnectionError)
    # Drivers raise plain socket errors when a connection cannot even be opened (asyncpg: connection refused).
    if isinstance(exc, ConnectionError):
        tb = exc.__traceback__
        while tb is not None:
            if "sqlalchemy" in tb.tb_frame.f_code.co_filename:
                return True
            tb = tb.tb_next
    return False


def error_body(detail: object, code: str) -> dict[str, object]:
    return {"detail": detail, "code": code}


def install(app: FastAPI) -> None:
    @app.exception_handler(MessError)
    async def _domain(request: Request, exc: MessError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        body = {**exc.extra, **error_body(exc.message, exc.code)}
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
                "ctx": {k: str(v) for k, v in (e.get("ctx") or {}).items()},
            }
            for e in exc.errors()
        ]
        return JSONResponse(
            {"detail": errors, "code": ErrorCode.INVALID_INPUT, "message": _summary(errors)}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            # Starlette names the methods of the first route on the path only; RFC 9110 wants all of them.
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(app, request.scope))}
        return JSONResponse(error_body(exc.detail, code), status_code=exc.status_code, headers=headers)

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if not database_unavailable(exc):
            raise exc  # a real bug: the server error middleware answers 500 and logs it
        return JSONResponse(
            error_body(DATABASE_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE),
            status_code=503,
            headers={"Retry-After": "2"},
        )

    for kind in (DBAPIError, PoolTimeout, ConnectionError):
        app.add_exception_handler(kind, _database)


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of the app serves on the request's path."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        if route.methods and route.matches(scope)[0] != Match.NONE:
            methods |= route.methods
    return sorted(methods)


def _summary(errors: list[dict[str, Any]]) -> str:
    """The sentence a person reads (the list in `detail` keeps FastAPI's shape for programs)."""
    return explain(errors)[0]
