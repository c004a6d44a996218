"""Every integer a client can send in a path or query has an upper bound, so no number reaches the database as an
overflow (a 500) — the fuzzer found `offset=7.2e23` on /adjustments once; this checks every route at once."""

from __future__ import annotations

from tests.web.domain_helpers import cast, expect


def _unbounded_integers(schema: dict, where: str, components: dict) -> list[str]:
    """Integer fields without a maximum in a schema, following $refs, properties, items and anyOf."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _unbounded_integers(components[name], name, components)
    found = [where] if schema.get("type") == "integer" and "maximum" not in schema else []
    for key, sub in schema.get("properties", {}).items():
        found += _unbounded_integers(sub, f"{where}.{key}", components)
    for sub in schema.get("anyOf", []):
        found += _unbounded_integers(sub, where, components)
    if "items" in schema:
        found += _unbounded_integers(schema["items"], f"{where}[]", components)
    return found


async def test_every_integer_a_client_sends_is_bounded(app):
    """Path and query parameters and request bodies alike."""
    spec = app.openapi()
    components = spec["components"]["schemas"]
    unbounded = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            route = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                unbounded += _unbounded_integers(
                    parameter.get("schema", {}), f"{route} {parameter['name']}", components
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded_integers(content.get("schema", {}), f"{route} body", components)
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
