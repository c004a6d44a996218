"""Extras through the REST API: items, sales at the unit price of the moment, roles and mess scoping."""

from __future__ import annotations

from datetime import date

from tests.web.domain_helpers import BIG_ID, cast, expect


async def make_item(client, headers, name="Egg", price=1200, **extra):  # type: ignore[no-untyped-def]
    return expect(
        await client.post("/api/v1/extras", json={"name": name, "price": price, **extra}, headers=headers), 201
    )


def sale(resident_id: int | None, item_id: int, quantity: int = 1, day: str = "2026-03-10") -> dict[str, object]:
    return {"resident_id": resident_id, "item_id": item_id, "quantity": quantity, "date": day}


async def test_items(world, client):
    c = await cast(world)
    w = c.warden.headers
    egg = await make_item(client, w)
    assert (egg["name"], egg["price"], egg["is_active"]) == ("Egg", 1200, True)
    milk = await make_item(client, w, "Milk", 2500)
    expect(await client.post("/api/v1/extras", json={"name": "Egg", "price": 1}, headers=w), 409, "already_exists")
    for bad in ({"name": "Tea", "price": -1}, {"name": "", "price": 1}, {"price": 1}, {"name": "Tea", "price": 1.5}):
        expect(await client.post("/api/v1/extras", json=bad, headers=w), 422, "invalid_input")
    for who in (c.staff, c.resident):
        expect(await client.post("/api/v1/extras", json={"name": "Tea", "price": 1}, headers=who.headers), 403)

    changed = await client.patch(f"/api/v1/extras/{milk['id']}", json={"price": 3000, "is_active": False}, headers=w)
    assert (expect(changed, 200)["price"], expect(changed, 200)["is_active"]) == (3000, False)
    expect(await client.patch(f"/api/v1/extras/{milk['id']}", json={"name": "Egg"}, headers=w), 409, "already_exists")
    expect(await client.patch(f"/api/v1/extras/{milk['id']}", json={"price": -5}, headers=w), 422, "invalid_input")
    expect(await client.patch("/api/v1/extras/999999", json={"price": 5}, headers=w), 404, "not_found")
    expect(await client.patch(f"/api/v1/extras/{BIG_ID}", json={"price": 5}, headers=w), 422, "invalid_input")
    expect(await client.patch(f"/api/v1/extras/{egg['id']}", json={"price": 5}, headers=c.staff.headers), 403)
    other = await client.patch(f"/api/v1/extras/{egg['id']}", json={"price": 5}, headers=c.other_warden.headers)
    expect(other, 403, "wrong_mess")

    everyone = expect(await client.get("/api/v1/extras", headers=c.resident.headers), 200)
    assert [(i["name"], i["is_active"]) for i in everyone] == [("Egg", True), ("Milk", False)]
    on_sale = expect(await client.get("/api/v1/extras?active=true", headers=c.staff.headers), 200)
    assert [i["name"] for i in on_sale] == ["Egg"]
    assert expect(await client.get("/api/v1/extras", headers=c.other_warden.headers), 200) == []
    peek = await client.get(f"/api/v1/extras?mess_id={c.mess.id}", headers=c.other_warden.headers)
    expect(peek, 403, "wrong_mess")


async def test_sales_keep_the_price_of_the_moment(world, client):
    c = await cast(world)
    w, s = c.warden.headers, c.staff.headers
    egg = await make_item(client, w)
    rid = c.resident.resident_id
    first = expect(
        await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"], 2, "2026-03-09"), headers=s), 201
    )
    assert (first["unit_price"], first["quantity"], first["amount"], first["item"]) == (1200, 2, 2400, "Egg")
    expect(await client.patch(f"/api/v1/extras/{egg['id']}", json={"price": 1500}, headers=w), 200)
    second = expect(await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"], 1), headers=w), 201)
    assert second["unit_price"] == 1500

    rows = expect(
        await client.get("/api/v1/extra-purchases?from=2026-03-01&to=2026-03-31", headers=c.resident.headers), 200
    )
    assert [(p["date"], p["unit_price"], p["amount"]) for p in rows] == [
        ("2026-03-09", 1200, 2400),
        ("2026-03-10", 1500, 1500),
    ]
    only_9th = expect(
        await client.get(f"/api/v1/extra-purchases?from=2026-03-09&to=2026-03-09&resident_id={rid}", headers=s), 200
    )
    assert [p["id"] for p in only_9th] == [first["id"]]

    expect(await client.patch(f"/api/v1/extras/{egg['id']}", json={"is_active": False}, headers=w), 200)
    expect(await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"]), headers=s), 409, "item_inactive")


async def test_sale_errors_roles_and_scoping(world, client):
    c = await cast(world)
    s = c.staff.headers
    egg = await make_item(client, c.warden.headers)
    rid = c.resident.resident_id
    stranger = await world.resident(c.other_mess.id)
    foreign = await make_item(client, c.other_warden.headers, "Lassi", 3000)
    late = await world.resident(c.mess.id, active_from=date(2026, 3, 10))

    for bad in (
        sale(rid, egg["id"], 0),
        sale(rid, egg["id"], 1001),
        sale(rid, egg["id"], 1, "2026-03-11"),  # the future
        sale(rid, egg["id"], 1, "2026-02-30"),
        sale(None, egg["id"]),
        sale(BIG_ID, egg["id"]),
        sale(rid, BIG_ID),
    ):
        expect(await client.post("/api/v1/extra-purchases", json=bad, headers=s), 422, "invalid_input")
    expect(
        await client.post("/api/v1/extra-purchases", json=sale(999999, egg["id"]), headers=s), 404, "unknown_resident"
    )
    expect(await client.post("/api/v1/extra-purchases", json=sale(rid, 999999), headers=s), 404, "not_found")
    before = sale(late.resident_id, egg["id"], 1, "2026-03-09")
    expect(await client.post("/api/v1/extra-purchases", json=before, headers=s), 409, "not_resident")
    # Another mess's resident, or another mess's item, is refused.
    expect(
        await client.post("/api/v1/extra-purchases", json=sale(stranger.resident_id, egg["id"]), headers=s),
        403,
        "wrong_mess",
    )
    expect(await client.post("/api/v1/extra-purchases", json=sale(rid, foreign["id"]), headers=s), 403, "wrong_mess")
    # Residents do not sell.
    expect(await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"]), headers=c.resident.headers), 403)

    expect(await client.post("/api/v1/extra-purchases", json=sale(rid, egg["id"]), headers=s), 201)
    expect(await client.post("/api/v1/extra-purchases", json=sale(late.resident_id, egg["id"]), headers=s), 201)
    rng = "from=2026-03-01&to=2026-03-31"
    assert len(expect(await client.get(f"/api/v1/extra-purchases?{rng}", headers=s), 200)) == 2
    assert len(expect(await client.get(f"/api/v1/extra-purchases?{rng}", headers=c.resident.headers), 200)) == 1
    peek = await client.get(f"/api/v1/extra-purchases?{rng}&resident_id={late.resident_id}", headers=c.resident.headers)
    expect(peek, 403, "forbidden")
    assert expect(await client.get(f"/api/v1/extra-purchases?{rng}", headers=stranger.headers), 200) == []
    assert expect(await client.get(f"/api/v1/extra-purchases?{rng}", headers=c.other_warden.headers), 200) == []
    cross = await client.get(f"/api/v1/extra-purchases?{rng}&resident_id={rid}", headers=c.other_warden.headers)
    expect(cross, 403, "wrong_mess")
    for query in ("from=2026-03-31&to=2026-03-01", "from=2026-01-01&to=2026-04-30", "from=2026-03-01", "from=x&to=y"):
        expect(await client.get(f"/api/v1/extra-purchases?{query}", headers=s), 422, "invalid_input")
