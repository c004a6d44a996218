"""Every integer a client can send in a path or query has an upper bound, so no number reaches the database as an
overflow (a 500) — the fuzzer found `offset=7.2e23` on /adjustments once; this checks every route at once."""

from __future__ import annotations

from tests.web.domain_helpers import cast, expect


def _integer_schemas(schema: dict) -> list[dict]:
    if schema.get("type") == "integer":
        return [schema]
    return [s for option in schema.get("anyOf", []) for s in _integer_schemas(option)]


async def test_every_integer_parameter_in_the_contract_is_bounded(app):
    unbounded = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                for schema in _integer_schemas(parameter.get("schema", {})):
                    if "maximum" not in schema:
                        unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []


async def test_oversized_offsets_and_ids_are_422_on_every_list(world, client):
    c = await cast(world)
    w = c.warden.headers
    lists = (
        "/api/v1/adjustments?",
        "/api/v1/leaves?",
        "/api/v1/residents?",
        "/api/v1/prices?",
        "/api/v1/expenses?from=2026-03-01&to=2026-03-31&",
        "/api/v1/wastage?from=2026-03-01&to=2026-03-31&",
        "/api/v1/fixed-charges?",
        "/api/v1/extra-purchases?from=2026-03-01&to=2026-03-31&",
    )
    for url in lists:
        expect(await client.get(f"{url}offset=719095398120076446007296", headers=w), 422, "invalid_input")
        expect(await client.get(f"{url}offset=2147483647", headers=w), 200)
    expect(await client.get("/api/v1/headcount?mess_id=99999999999999", headers=w), 422, "invalid_input")
