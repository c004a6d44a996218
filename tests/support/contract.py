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


# Building an app's OpenAPI costs ~1 s of CPU and every test makes a new app with the same routes: one document per
# route table, shared by every app that has it.
_documents: dict[tuple[Any, ...], dict[str, Any]] = {}


def _identity(route: Any) -> object:
    router = getattr(route, "original_router", None)
    return id(router) if router is not None else (type(route).__name__, getattr(route, "path", ""))


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, built once per distinct route table in this process."""
    # The included routers are module-level objects (the same in every app of a process); the app's own routes by path.
    key = (app.title, app.version, *(_identity(route) for route in app.routes))
    found = _documents.get(key)
    if found is None:
        found = _documents[key] = app.openapi()
    return found


def gap(app: FastAPI, method: str, path: str, status: int, body: Any) -> str | None:
    """Why this answer is not documented for its operation, or None when it is (or no operation matched)."""
    route = operation_of(app, method, path)
    if route is None or not route.include_in_schema:
        return None  # no operation: routing's own 404/405
    operation = document(app)["paths"][route.path_format][method.lower()]
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
