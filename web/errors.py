"""Domain errors mapped to responses in one place: {"detail": ..., "code": ...} with a fitting status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mess.errors import ErrorCode, MessError

_HTTP_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def error_body(detail: object, code: str) -> dict[str, object]:
    return {"detail": detail, "code": code}


def install(app: FastAPI) -> None:
    @app.exception_handler(MessError)
    async def _domain(request: Request, exc: MessError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(error_body(exc.message, exc.code), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        return JSONResponse(
            {"detail": errors, "code": ErrorCode.INVALID_INPUT, "message": _summary(errors)}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return JSONResponse(
            error_body(exc.detail, code), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )


def _summary(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:3]:
        loc = ".".join(str(p) for p in error["loc"] if p not in ("body", "query", "path"))
        parts.append(f"{loc}: {error['msg']}" if loc else str(error["msg"]))
    return "; ".join(parts)
