"""Every REST answer a test sees is one the OpenAPI documents: its status for that operation and, for an error,
its code among the codes declared there (web/openapi.py). The test client checks each response with it, so a
route that starts answering with a new error fails the tests that reach it until the route declares it."""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import Match

from web.api import API_PREFIX
from web.openapi import declared

# Set to a file path to record the gaps (one JSON line each) instead of failing: a way to survey them.
RECORD = os.environ.get("MESS_CONTRACT_RECORD")


class UndocumentedResponse(AssertionError):
    pass


def operation_of(app: FastAPI, method: str, path: str) -> RouteContext | None:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.matches(scope)[0] == Match.FULL:
            return route
    return None


def gap(app: FastAPI, method: str, path: str, status: int, body: Any) -> str | None:
    """Why this answer is not documented for its operation, or None when it is (or no operation matched)."""
    route = operation_of(app, method, path)
    if route is None or not route.include_in_schema:
        return None  # no operation: routing's own 404/405
    operation = app.openapi()["paths"][route.path_format][method.lower()]
    response = operation["responses"].get(str(status))
    where = f"{method} {route.path_format}"
    code = body.get("code") if isinstance(body, dict) else None
    hint = f": declare it on the route with responses=errors(ErrorCode.{str(code).upper()}, ...)" if code else ""
    if response is None:
        listed = ", ".join(operation["responses"])
        return f"{where} answered {status} {code!r}, a status its OpenAPI does not list ({listed}){hint}"
    if status < 400 or not isinstance(body, dict):
        return None
    codes, validation = declared(response)
    if isinstance(body.get("detail"), list):
        return None if validation else f"{where} answered {status} with FastAPI's validation shape, not documented"
    if code not in codes:
        return f"{where} answered {status} {code!r}, not among its documented codes {sorted(codes)}{hint}"
    return None


def checker(app: FastAPI) -> Any:
    async def check(response: httpx.Response) -> None:
        request = response.request
        if not request.url.path.startswith(API_PREFIX + "/"):
            return
        await response.aread()
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        problem = gap(app, request.method, request.url.path, response.status_code, body)
        if problem is None:
            return
        if RECORD:
            with open(RECORD, "a", encoding="utf-8") as out:
                out.write(json.dumps({"problem": problem}) + "\n")
            return
        raise UndocumentedResponse(problem)

    return check
