"""Expenses and wastage through the REST API."""

from __future__ import annotations

from tests.web.domain_helpers import BIG_ID, cast, expect


def expense(day: str = "2026-03-09", category: str = "vegetables", amount: object = 125050, note: str = "") -> dict:
    return {"date": day, "category": category, "amount": amount, "note": note}


def waste(kg: object, day: str = "2026-03-09", slot: str = "lunch") -> dict:
    return {"date": day, "slot": slot, "kg": kg, "note": "rice"}


async def test_expenses(world, client):
    c = await cast(world)
    w = c.warden.headers
    first = expect(await client.post("/api/v1/expenses", json=expense(note="sabzi mandi"), headers=w), 201)
    assert (first["date"], first["category"], first["amount"], first["note"]) == (
        "2026-03-09",
        "vegetables",
        125050,
        "sabzi mandi",
    )
    expect(await client.post("/api/v1/expenses", json=expense("2026-03-10", "fuel", 99900), headers=w), 201)
    expect(await client.post("/api/v1/expenses", json=expense("2026-02-28", "dairy", 5000), headers=w), 201)

    march = expect(await client.get("/api/v1/expenses?from=2026-03-01&to=2026-03-31", headers=w), 200)
    assert [(e["date"], e["category"]) for e in march] == [("2026-03-09", "vegetables"), ("2026-03-10", "fuel")]
    fuel = expect(await client.get("/api/v1/expenses?from=2026-01-01&to=2026-12-31&category=fuel", headers=w), 200)
    assert [e["amount"] for e in fuel] == [99900]
    assert (
        expect(await client.get("/api/v1/expenses?from=2026-01-01&to=2026-12-31", headers=c.other_warden.headers), 200)
        == []
    )

    for bad in (
        expense(category="caviar"),
        expense(amount=0),
        expense(amount=-10),
        expense(amount=12.5),
        expense(amount=10**12),
        expense(day="2026-02-30"),
        {**expense(), "mess_id": BIG_ID},
    ):
        expect(await client.post("/api/v1/expenses", json=bad, headers=w), 422, "invalid_input")
    # Today is 2026-03-10: tomorrow is refused, and so is anything more than 400 days back (2025-02-03).
    for day in ("2026-03-11", "2031-03-10", "2025-02-02", "2019-03-10"):
        expect(await client.post("/api/v1/expenses", json=expense(day=day), headers=w), 422, "date_out_of_range")
    expect(await client.post("/api/v1/expenses", json=expense(day="2025-02-03"), headers=w), 201)
    for query in (
        "from=2026-03-10&to=2026-03-01",
        "from=2025-01-01&to=2026-03-01",
        "from=2026-03-01",
        "from=2026-03-01&to=2026-03-02&category=caviar",
    ):
        expect(await client.get(f"/api/v1/expenses?{query}", headers=w), 422, "invalid_input")
    for who in (c.staff, c.resident):
        expect(await client.post("/api/v1/expenses", json=expense(), headers=who.headers), 403, "forbidden")
        expect(
            await client.get("/api/v1/expenses?from=2026-03-01&to=2026-03-31", headers=who.headers), 403, "forbidden"
        )
    cross = await client.get(
        f"/api/v1/expenses?from=2026-03-01&to=2026-03-31&mess_id={c.mess.id}", headers=c.other_warden.headers
    )
    expect(cross, 403, "wrong_mess")
    expect(
        await client.post("/api/v1/expenses", json={**expense(), "mess_id": c.mess.id}, headers=c.other_warden.headers),
        403,
        "wrong_mess",
    )


async def test_wastage(world, client):
    c = await cast(world)
    s = c.staff.headers
    first = expect(await client.post("/api/v1/wastage", json=waste(12.345), headers=s), 201)
    assert (first["grams"], first["kg"], first["slot"]) == (12345, 12.345, "lunch")
    expect(await client.post("/api/v1/wastage", json=waste("0.5", slot="dinner"), headers=c.warden.headers), 201)
    expect(await client.post("/api/v1/wastage", json=waste(0, day="2026-03-10", slot="breakfast"), headers=s), 201)
    expect(await client.post("/api/v1/wastage", json=waste(10000, day="2026-03-08"), headers=s), 201)

    rows = expect(await client.get("/api/v1/wastage?from=2026-03-09&to=2026-03-10", headers=c.warden.headers), 200)
    assert [(r["date"], r["slot"], r["grams"]) for r in rows] == [
        ("2026-03-09", "lunch", 12345),
        ("2026-03-09", "dinner", 500),
        ("2026-03-10", "breakfast", 0),
    ]
    lunch = expect(await client.get("/api/v1/wastage?from=2026-03-01&to=2026-03-31&slot=lunch", headers=s), 200)
    assert [r["grams"] for r in lunch] == [10000000, 12345]
    assert (
        expect(await client.get("/api/v1/wastage?from=2026-03-01&to=2026-03-31", headers=c.other_warden.headers), 200)
        == []
    )

    for kg in (-0.001, 10000.001, 1.2345, "lots", None, "NaN", "Infinity"):
        expect(await client.post("/api/v1/wastage", json=waste(kg), headers=s), 422, "invalid_input")
    expect(await client.post("/api/v1/wastage", json=waste(1, day="2026-03-11"), headers=s), 422, "invalid_input")
    expect(await client.post("/api/v1/wastage", json=waste(1, slot="brunch"), headers=s), 404, "unknown_slot")
    expect(
        await client.get("/api/v1/wastage?from=2026-03-01&to=2026-03-31&slot=brunch", headers=s), 404, "unknown_slot"
    )
    expect(await client.get("/api/v1/wastage?from=2025-01-01&to=2026-03-31", headers=s), 422, "invalid_input")
    expect(await client.post("/api/v1/wastage", json=waste(1), headers=c.resident.headers), 403, "forbidden")
    expect(
        await client.get("/api/v1/wastage?from=2026-03-01&to=2026-03-31", headers=c.resident.headers), 403, "forbidden"
    )
    cross = await client.post(
        "/api/v1/wastage", json={**waste(1), "mess_id": c.mess.id}, headers=c.other_warden.headers
    )
    expect(cross, 403, "wrong_mess")
