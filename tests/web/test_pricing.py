"""Prices and fixed charges through the REST API: effective dating, duplicates, roles and mess scoping."""

from __future__ import annotations

from datetime import date

from mess.messes.repository import get_slot_by_code
from mess.pricing.repository import fixed_charge_in_force, price_in_force
from tests.web.domain_helpers import BIG_ID, cast, expect


def price(slot: str, amount: int, effective_from: str, **extra: object) -> dict[str, object]:
    return {
        "slot": slot,
        "price": amount,
        "guest_price": amount + 1000,
        "walk_in_price": amount + 2000,
        "effective_from": effective_from,
        **extra,
    }


async def test_prices_are_effective_dated(world, client, database):
    c = await cast(world)
    h = c.warden.headers
    first = expect(await client.post("/api/v1/prices", json=price("lunch", 5000, "2026-01-01"), headers=h), 201)
    assert (first["slot"], first["price"], first["guest_price"], first["walk_in_price"]) == ("lunch", 5000, 6000, 7000)
    expect(await client.post("/api/v1/prices", json=price("lunch", 5500, "2026-03-01"), headers=h), 201)
    expect(await client.post("/api/v1/prices", json=price("dinner", 6000, "2026-01-01"), headers=h), 201)

    rows = expect(await client.get("/api/v1/prices", headers=h), 200)
    assert [(r["slot"], r["price"], r["effective_from"]) for r in rows] == [
        ("lunch", 5500, "2026-03-01"),
        ("lunch", 5000, "2026-01-01"),
        ("dinner", 6000, "2026-01-01"),
    ]
    in_feb = expect(await client.get("/api/v1/prices?on=2026-02-28", headers=h), 200)
    assert [(r["slot"], r["price"]) for r in in_feb] == [("lunch", 5000), ("dinner", 6000)]
    in_march = expect(await client.get("/api/v1/prices?on=2026-03-01&slot=lunch", headers=h), 200)
    assert [(r["slot"], r["price"]) for r in in_march] == [("lunch", 5500)]
    assert expect(await client.get("/api/v1/prices?on=2025-12-31", headers=h), 200) == []

    async with database.read_only() as session:
        lunch = await get_slot_by_code(session, c.mess.id, "lunch")
        assert lunch is not None
        assert await price_in_force(session, lunch.id, date(2025, 12, 31)) is None
        jan = await price_in_force(session, lunch.id, date(2026, 2, 28))
        march = await price_in_force(session, lunch.id, date(2026, 3, 1))
        assert jan is not None and march is not None
        assert (jan.price, march.price) == (5000, 5500)


async def test_price_errors(world, client):
    c = await cast(world)
    h = c.warden.headers
    expect(await client.post("/api/v1/prices", json=price("lunch", 5000, "2026-01-01"), headers=h), 201)
    duplicate = await client.post("/api/v1/prices", json=price("lunch", 9999, "2026-01-01"), headers=h)
    expect(duplicate, 409, "already_exists")
    expect(await client.post("/api/v1/prices", json=price("brunch", 1, "2026-01-01"), headers=h), 404, "unknown_slot")
    for bad in (
        price("lunch", -1, "2026-02-01"),
        {**price("lunch", 1, "2026-02-01"), "guest_price": -5},
        {**price("lunch", 1, "2026-02-01"), "walk_in_price": 10**12},
        price("lunch", 12.5, "2026-02-01"),  # type: ignore[arg-type]
        price("lunch", 1, "2026-02-30"),
        {"slot": "lunch", "price": 1},
    ):
        expect(await client.post("/api/v1/prices", json=bad, headers=h), 422, "invalid_input")
    expect(await client.get("/api/v1/prices?on=2026-13-01", headers=h), 422)
    expect(await client.get("/api/v1/prices?slot=brunch", headers=h), 404, "unknown_slot")


async def test_price_roles_and_mess_scoping(world, client):
    c = await cast(world, full=True)
    assert c.admin is not None and c.other_staff is not None
    body = price("lunch", 5000, "2026-01-01")
    expect(await client.post("/api/v1/prices", json=body, headers=c.staff.headers), 403, "forbidden")
    expect(await client.post("/api/v1/prices", json=body, headers=c.resident.headers), 403, "forbidden")
    expect(await client.post("/api/v1/prices", json=body), 401, "not_authenticated")
    other = {**body, "mess_id": c.mess.id}
    expect(await client.post("/api/v1/prices", json=other, headers=c.other_warden.headers), 403, "wrong_mess")
    expect(await client.post("/api/v1/prices", json=body, headers=c.admin.headers), 422, "mess_required")
    expect(await client.post("/api/v1/prices", json={**body, "mess_id": BIG_ID}, headers=c.admin.headers), 422)
    by_admin = await client.post("/api/v1/prices", json={**body, "mess_id": c.mess.id}, headers=c.admin.headers)
    assert expect(by_admin, 201)["mess_id"] == c.mess.id

    # Everyone of mess A can read its prices; mess B's people see only mess B's (none).
    assert len(expect(await client.get("/api/v1/prices", headers=c.resident.headers), 200)) == 1
    assert expect(await client.get("/api/v1/prices", headers=c.other_warden.headers), 200) == []
    peek = await client.get(f"/api/v1/prices?mess_id={c.mess.id}", headers=c.other_staff.headers)
    expect(peek, 403, "wrong_mess")


async def test_fixed_charges(world, client, database):
    c = await cast(world)
    h = c.warden.headers
    first = await client.post(
        "/api/v1/fixed-charges", json={"amount": 150000, "effective_from": "2026-01-01"}, headers=h
    )
    assert expect(first, 201)["amount"] == 150000
    expect(
        await client.post("/api/v1/fixed-charges", json={"amount": 180000, "effective_from": "2026-04-01"}, headers=h),
        201,
    )
    duplicate = await client.post(
        "/api/v1/fixed-charges", json={"amount": 1, "effective_from": "2026-04-01"}, headers=h
    )
    expect(duplicate, 409, "already_exists")
    for bad in ({"amount": -1, "effective_from": "2026-05-01"}, {"amount": 1}, {"amount": "x", "effective_from": "x"}):
        expect(await client.post("/api/v1/fixed-charges", json=bad, headers=h), 422, "invalid_input")
    staff = await client.post(
        "/api/v1/fixed-charges", json={"amount": 1, "effective_from": "2026-06-01"}, headers=c.staff.headers
    )
    expect(staff, 403, "forbidden")

    rows = expect(await client.get("/api/v1/fixed-charges", headers=h), 200)
    assert [(r["amount"], r["effective_from"]) for r in rows] == [(180000, "2026-04-01"), (150000, "2026-01-01")]
    march = expect(await client.get("/api/v1/fixed-charges?on=2026-03-31", headers=h), 200)
    assert [r["amount"] for r in march] == [150000]
    assert expect(await client.get("/api/v1/fixed-charges", headers=c.other_warden.headers), 200) == []

    async with database.read_only() as session:
        assert await fixed_charge_in_force(session, c.mess.id, date(2025, 12, 31)) is None
        april = await fixed_charge_in_force(session, c.mess.id, date(2026, 4, 1))
        assert april is not None and april.amount == 180000
        assert await fixed_charge_in_force(session, c.other_mess.id, date(2026, 4, 1)) is None
