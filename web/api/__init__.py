"""The REST API: one module per domain, each with a `router` made by `api_router` (web/main.py finds them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

API_PREFIX = "/api/v1"


class JsonBodyRoute(APIRoute):
    """A request is read as the OpenAPI says. A JSON body is validated as JSON, strictly: FastAPI validates the
    decoded Python values, where pydantic takes `false` for an integer, `0` for a date or `1` for a boolean; those
    are 422 here. And no text carries a NUL character, which PostgreSQL cannot store (a 500 before)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        annotation = self.body_field.field_info.annotation if self.body_field is not None else None
        adapter: TypeAdapter[Any] | None = TypeAdapter(annotation) if annotation is not None else None

        async def read_as_documented(request: Request) -> Response:
            body = b""
            if adapter is not None and request.headers.get("content-type", "").startswith("application/json"):
                body = await request.body()
            where = _nul_in(request, body)
            if where:
                raise RequestValidationError([{"loc": (where,), "msg": _NUL, "type": "value_error", "input": None}])
            if adapter is not None and body:
                try:
                    adapter.validate_json(body, strict=True)
                except ValidationError as exc:
                    problems = [e for e in exc.errors(include_url=False) if not _integral_float(e)]
                    if problems and not any(e["type"] == "json_invalid" for e in problems):  # FastAPI's
                        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in problems]) from None
            return await handler(request)

        return read_as_documented


_NUL = "Value error, text cannot contain the NUL character (\\u0000)"
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # an unescaped \u0000 in JSON text


def _nul_in(request: Request, body: bytes) -> str | None:
    if "\x00" in request.scope["path"]:
        return "path"
    if b"%00" in request.scope["query_string"]:
        return "query"
    if body and _JSON_NUL.search(body):
        return "body"
    return None


def _integral_float(error: Any) -> bool:
    """JSON Schema counts 1.0 as an integer, and so does pydantic outside strict mode."""
    value = error.get("input")
    return error["type"] == "int_type" and isinstance(value, float) and value.is_integer()


def api_router(prefix: str = "", **kwargs: Any) -> APIRouter:
    """A router of the REST API: under API_PREFIX, JSON bodies validated strictly."""
    return APIRouter(prefix=API_PREFIX + prefix, route_class=JsonBodyRoute, **kwargs)
