"""Meal ratings through the REST API: served meals only, one per resident and meal, who sees what."""

from __future__ import annotations

from datetime import date

from tests.web.domain_helpers import BIG_ID, cast, expect

# Now: Tuesday 2026-03-10 09:00 IST. Breakfast (07:30) has been served; lunch (12:30) has not.


def rating(day: str, slot: str, stars: object, comment: str = "") -> dict:
    return {"date": day, "slot": slot, "rating": stars, "comment": comment}


async def test_rate_served_meals_once(world, client):
    c = await cast(world)
    r = c.resident.headers
    first = expect(
        await client.post("/api/v1/feedback", json=rating("2026-03-10", "breakfast", 4, "good poha"), headers=r), 200
    )
    assert (first["rating"], first["comment"], first["slot"]) == (4, "good poha", "breakfast")
    again = expect(
        await client.post("/api/v1/feedback", json=rating("2026-03-10", "breakfast", 2, "cold"), headers=r), 200
    )
    assert (again["id"], again["rating"], again["comment"]) == (first["id"], 2, "cold")
    expect(await client.post("/api/v1/feedback", json=rating("2026-03-09", "dinner", 5), headers=r), 200)

    own = expect(await client.get("/api/v1/feedback?from=2026-03-01&to=2026-03-31", headers=r), 200)
    assert [(f["date"], f["slot"], f["rating"]) for f in own] == [
        ("2026-03-09", "dinner", 5),
        ("2026-03-10", "breakfast", 2),
    ]

    for day, slot in (("2026-03-10", "lunch"), ("2026-03-11", "breakfast")):
        expect(await client.post("/api/v1/feedback", json=rating(day, slot, 3), headers=r), 409, "meal_not_served")
    for bad in (
        rating("2026-03-10", "breakfast", 0),
        rating("2026-03-10", "breakfast", 6),
        rating("2026-03-10", "breakfast", 4.5),
        rating("2026-03-10", "breakfast", 4, "x" * 2001),
        rating("2026-02-30", "breakfast", 4),
        {"date": "2026-03-10", "slot": "breakfast"},
    ):
        expect(await client.post("/api/v1/feedback", json=bad, headers=r), 422, "invalid_input")
    expect(
        await client.post("/api/v1/feedback", json=rating("2026-03-10", "brunch", 3), headers=r), 404, "unknown_slot"
    )
    newcomer = await world.resident(c.mess.id, active_from=date(2026, 3, 10))
    before = rating("2026-03-09", "dinner", 3)
    expect(await client.post("/api/v1/feedback", json=before, headers=newcomer.headers), 409, "not_resident")


async def test_who_rates_and_who_reads(world, client):
    c = await cast(world)
    bob = await world.resident(c.mess.id)
    stranger = await world.resident(c.other_mess.id)
    expect(
        await client.post("/api/v1/feedback", json=rating("2026-03-09", "lunch", 5), headers=c.resident.headers), 200
    )
    expect(await client.post("/api/v1/feedback", json=rating("2026-03-09", "lunch", 1), headers=bob.headers), 200)
    expect(await client.post("/api/v1/feedback", json=rating("2026-03-09", "lunch", 3), headers=stranger.headers), 200)
    for who in (c.staff, c.warden):
        expect(
            await client.post("/api/v1/feedback", json=rating("2026-03-09", "lunch", 3), headers=who.headers),
            403,
            "forbidden",
        )

    rng = "from=2026-03-01&to=2026-03-31"
    mess = expect(await client.get(f"/api/v1/feedback?{rng}", headers=c.warden.headers), 200)
    assert sorted((f["resident_id"], f["rating"]) for f in mess) == sorted(
        [(c.resident.resident_id, 5), (bob.resident_id, 1)]
    )
    one = expect(
        await client.get(f"/api/v1/feedback?{rng}&resident_id={bob.resident_id}&slot=lunch", headers=c.warden.headers),
        200,
    )
    assert [f["rating"] for f in one] == [1]
    assert [f["rating"] for f in expect(await client.get(f"/api/v1/feedback?{rng}", headers=bob.headers), 200)] == [1]
    peek = await client.get(f"/api/v1/feedback?{rng}&resident_id={c.resident.resident_id}", headers=bob.headers)
    expect(peek, 403, "forbidden")
    expect(await client.get(f"/api/v1/feedback?{rng}", headers=c.staff.headers), 403, "forbidden")
    other = expect(await client.get(f"/api/v1/feedback?{rng}", headers=c.other_warden.headers), 200)
    assert [f["rating"] for f in other] == [3]
    cross = await client.get(f"/api/v1/feedback?{rng}&resident_id={bob.resident_id}", headers=c.other_warden.headers)
    expect(cross, 403, "wrong_mess")
    for query in (
        "from=2026-03-31&to=2026-03-01",
        "from=2025-01-01&to=2026-03-31",
        "to=2026-03-01",
        f"{rng}&resident_id={BIG_ID}",
    ):
        expect(await client.get(f"/api/v1/feedback?{query}", headers=c.warden.headers), 422, "invalid_input")
    expect(await client.get(f"/api/v1/feedback?{rng}"), 401, "not_authenticated")
