"""The OpenAPI tells the truth about errors (web/openapi.py), a 405 names every method of its path, JSON bodies and
query dates are read as the document says, and a GET reads through a read-only session (docs/architecture.md)."""

from __future__ import annotations

import pytest

from mess.db.engine import WriteInReadSession
from mess.errors import KINDS, ErrorCode, statuses_of
from mess.models import Mess
from tests.web.domain_helpers import cast, expect
from web.openapi import VALIDATION_BODY, declared


def _responses(app, method: str, path: str) -> dict:
    return app.openapi()["paths"][path][method]["responses"]


def test_every_rest_router_reads_json_strictly() -> None:
    from web.api import JsonBodyRoute, health
    from web.main import discover_routers

    loose = [
        r.prefix for r in discover_routers("web.api") if r is not health.router and r.route_class is not JsonBodyRoute
    ]
    assert loose == [], "make REST routers with web.api.api_router()"


def test_every_code_a_kind_raises_has_a_status() -> None:
    listed = {code for kind in KINDS for code in kind.codes}
    for code in listed:
        assert statuses_of(code)
    assert statuses_of(ErrorCode.CUTOFF_PASSED) == [409]
    assert statuses_of(ErrorCode.MESS_REQUIRED) == [422]


async def test_every_operation_documents_its_common_errors(app) -> None:
    for path, item in app.openapi()["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert "anyOf" in schema or schema["required"] == ["detail", "code"], (method, path, status)
            if path not in ("/api/v1/checkins/key", "/api/v1/push/key"):  # the operations that read no database
                assert "database_unavailable" in declared(responses["503"])[0], (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert declared(responses["422"])[1], (method, path)
            if "security" not in operation:  # signing in, asking for a password reset
                continue
            assert {"not_authenticated", "invalid_token"} <= declared(responses["401"])[0], (method, path)
            if method != "get":
                assert "csrf_failed" in declared(responses["403"])[0], (method, path)


async def test_domain_errors_are_documented_per_operation(app) -> None:
    put = _responses(app, "put", "/api/v1/bookings/{date}/{slot}")
    assert {"cutoff_passed", "on_leave", "not_resident"} <= declared(put["409"])[0]
    assert declared(put["404"])[0] == {"not_found", "unknown_resident", "unknown_slot"}
    slots = _responses(app, "get", "/api/v1/slots")
    codes, validation = declared(slots["422"])
    assert codes == {"mess_required"} and validation  # an admin without mess_id; malformed input
    assert slots["422"]["content"]["application/json"]["schema"]["anyOf"][1] == VALIDATION_BODY
    assert "409" not in _responses(app, "get", "/api/v1/messes")


async def test_an_admin_without_mess_id_gets_the_documented_422(world, client) -> None:
    c = await cast(world, full=True)
    assert c.admin is not None
    expect(await client.get("/api/v1/slots", headers=c.admin.headers), 422, "mess_required")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/v1/residents", "GET, POST"),
        ("POST", "/api/v1/bookings/2026-03-20/lunch", "DELETE, PUT"),
        ("OPTIONS", "/api/v1/extras", "GET, POST"),
        ("PUT", "/api/v1/residents/1", "GET, PATCH"),
    ],
)
async def test_a_405_names_every_method_of_its_path(client, method, path, allow) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["code"] == "method_not_allowed"


async def test_json_bodies_and_query_dates_are_read_as_documented(world, client) -> None:
    c = await cast(world)
    w = c.warden.headers
    price = {"slot": "lunch", "price": 100, "guest_price": 120, "walk_in_price": 150, "effective_from": "2026-04-01"}
    for wrong in ({"effective_from": 0}, {"walk_in_price": False}, {"price": "100"}):
        body = expect(await client.post("/api/v1/prices", json={**price, **wrong}, headers=w), 422, "invalid_input")
        assert body["detail"][0]["loc"][0] == "body"
    expect(await client.patch(f"/api/v1/messes/{c.mess.id}", json={"allow_walk_in": 0}, headers=w), 422)
    expect(await client.post("/api/v1/prices", json=price, headers=w), 201)
    for url in ("/api/v1/prices?on=0", "/api/v1/headcount?date=0", "/api/v1/extras?active=yes"):
        expect(await client.get(url, headers=w), 422, "invalid_input")
    expect(await client.get("/api/v1/prices?on=2026-04-01", headers=w), 200)
    expect(await client.get("/api/v1/extras?active=true", headers=w), 200)


async def test_a_read_only_session_refuses_writes(database) -> None:
    async with database.reading() as session:
        session.add(Mess(name="x", code="X"))
        with pytest.raises(WriteInReadSession):
            await session.flush()
    async with database.read_only() as session:
        with pytest.raises(WriteInReadSession):
            from sqlalchemy import update

            await session.execute(update(Mess).values(name="y"))


async def test_text_with_a_nul_character_is_invalid_input_on_every_backend(world, client) -> None:
    c = await cast(world)
    r = c.resident.headers
    expect(await client.get("/api/v1/prices?slot=%00", headers=c.warden.headers), 422, "invalid_input")
    expect(await client.get("/api/v1/menu/template?mess_id=1%00", headers=r), 422, "invalid_input")
    leave = {"start_date": "2026-04-10", "end_date": "2026-04-11", "reason": "away\u0000"}
    body = expect(await client.post("/api/v1/leaves", json=leave, headers=r), 422, "invalid_input")
    assert body["detail"][0]["loc"] == ["body"]
    escaped = {**leave, "reason": "a backslash and u0000: \\u0000"}
    assert (await client.post("/api/v1/leaves", json=escaped, headers=r)).status_code != 422
