"""What the OpenAPI says about errors. A route declares the domain errors it can give, by code:

    @router.put("/bookings/{date}/{slot}", responses=errors(ErrorCode.CUTOFF_PASSED, ErrorCode.ON_LEAVE, ...))

and `document_errors(app)` adds what every route of its kind can give: 401 when it needs a caller, 403
`csrf_failed` when it also changes something (a cookie-authenticated call without the CSRF header), 422 when it
takes input (FastAPI's validation shape), 503 when it uses the database. Each status documents the `{"detail",
"code"}` body with `code` limited to the codes declared, so a client (and schemathesis) knows every answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from mess.errors import ErrorCode, statuses_of
from web.deps import get_actor, get_database

Responses = dict[int | str, dict[str, Any]]

_MEANING = {
    400: "the body could not be read (not UTF-8, or not the content type sent)",
    401: "not signed in, or the token is invalid or expired",
    403: "not allowed for this role or mess",
    404: "unknown, or not yours to see",
    409: "conflicts with a rule",
    413: "too large",
    422: "invalid input",
    429: "too many attempts",
    503: "a backing service (database, broker) is unavailable",
}
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# FastAPI's request validation answer (web/errors.py): the list of problems, the code, and a one-line summary.
VALIDATION_BODY: dict[str, Any] = {
    "title": "ValidationErrorBody",
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
        "code": {"type": "string", "enum": [ErrorCode.INVALID_INPUT.value]},
        "message": {"type": "string", "description": "the first problems in one line"},
    },
}


def error_body(codes: Iterable[str]) -> dict[str, Any]:
    """The schema of a domain error whose code is one of `codes`."""
    return {
        "title": "ErrorBody",
        "type": "object",
        "required": ["detail", "code"],
        "properties": {
            "detail": {"type": "string", "description": "a human message"},
            "code": {"type": "string", "enum": sorted(set(codes))},
        },
    }


def _response(status: int, codes: Iterable[str], *, validation: bool = False) -> dict[str, Any]:
    codes = sorted(set(codes))
    variants = ([error_body(codes)] if codes else []) + ([VALIDATION_BODY] if validation else [])
    schema = variants[0] if len(variants) == 1 else {"anyOf": variants}
    meaning = _MEANING.get(status, "error")
    description = f"{meaning}: {', '.join(codes)}" if codes else meaning
    if validation:
        description += " (FastAPI's validation shape for malformed input)"
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*codes: ErrorCode | tuple[ErrorCode, ...]) -> Responses:
    """The `responses=` of a route that can answer with these domain errors (codes, or the bundles below); the
    statuses come from mess/errors.py."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for code in _flat(codes):
        for status in statuses_of(code):
            by_status[status].append(code.value)
    return {status: _response(status, listed) for status, listed in sorted(by_status.items())}


def _flat(codes: Iterable[ErrorCode | tuple[ErrorCode, ...]]) -> Iterator[ErrorCode]:
    for item in codes:
        if isinstance(item, ErrorCode):
            yield item
        else:
            yield from item


E = ErrorCode
# What the services' shared checks can answer, named after them, to declare a route by what it calls.
ROLE = (E.FORBIDDEN,)  # actor.require(...): another role's call
MESS_FOR = (E.MESS_REQUIRED, E.WRONG_MESS)  # actor.mess_for(mess_id): an admin names the mess, others use theirs
MESS = (*MESS_FOR, E.NOT_FOUND)  # ... and load_mess: the named mess exists
SLOT = (E.UNKNOWN_SLOT,)  # load_slot / choose_meal: the mess has that slot
RESIDENT = (E.UNKNOWN_RESIDENT, E.WRONG_MESS)  # load_resident: visible to the caller
TARGET = (*RESIDENT, E.FORBIDDEN, E.INVALID_INPUT)  # target_resident: the caller, or staff name one
LISTING = (*TARGET, *MESS_FOR)  # listing_scope: one resident, or a whole mess for staff
RANGE = (E.INVALID_INPUT,)  # from/to in order and not too far apart


def declared(response: dict[str, Any]) -> tuple[set[str], bool]:
    """The domain codes a documented response lists, and whether it also allows the validation shape."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    codes: set[str] = set()
    validation = False
    for variant in schema.get("anyOf", [schema]):
        if variant.get("title") == VALIDATION_BODY["title"]:
            validation = True
        else:
            codes.update(variant.get("properties", {}).get("code", {}).get("enum", []))
    return codes, validation


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _takes_input(dependant: Dependant) -> bool:
    if dependant.path_params or dependant.query_params or dependant.header_params or dependant.body_params:
        return True
    return any(_takes_input(sub) for sub in dependant.dependencies)


def common_errors(route: APIRoute) -> dict[int, set[str]]:
    """What a route can answer whatever it does (a 422 entry, maybe empty, when its input can be malformed)."""
    calls = set(_calls(route.dependant))
    common: dict[int, set[str]] = defaultdict(set)
    if get_actor in calls:
        common[401] |= {E.NOT_AUTHENTICATED.value, E.INVALID_TOKEN.value}
        if (route.methods or set()) & _UNSAFE:
            common[403].add(E.CSRF_FAILED.value)
    if get_database in calls:
        common[503].add(E.DATABASE_UNAVAILABLE.value)
    if _takes_input(route.dependant):
        common.setdefault(422, set())
    if route.body_field is not None:
        common[400].add(E.INVALID_INPUT.value)
    return common


def document_errors(router: APIRouter) -> None:
    """Add the common errors to every route of a router, merged with the ones each route declares. Runs before the
    router is included (an app copies a route's responses then); running it again changes nothing."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        by_status = common_errors(route)
        validating = {422} if 422 in by_status else set()
        for key, response in list(route.responses.items()):
            status = int(key)
            if status < 400:
                continue
            listed, also_validation = declared(response)
            by_status.setdefault(status, set()).update(listed)
            if also_validation:
                validating.add(status)
            del route.responses[key]
        for status in sorted(by_status):
            route.responses[status] = _response(status, by_status[status], validation=status in validating)
