"""GET /api/v1/residents?q=&limit=&offset= with X-Total-Count (PRODUCT 7.1): search, paging, sort, filters."""

from __future__ import annotations

from datetime import date


async def test_search_pages_and_counts(world, client):
    mess = await world.mess()
    other = await world.mess()
    warden = await world.user("warden", mess.id)
    for i in range(7):
        await world.resident(mess.id, roll_no=f"CS{i:02d}")
    await world.resident(other.id, roll_no="CS99")
    page = await client.get("/api/v1/residents", params={"limit": 3, "offset": 3}, headers=warden.headers)
    assert page.status_code == 200 and page.headers["X-Total-Count"] == "7"
    assert [r["roll_no"] for r in page.json()] == ["CS03", "CS04", "CS05"]
    found = await client.get("/api/v1/residents", params={"q": "cs0"}, headers=warden.headers)
    assert found.headers["X-Total-Count"] == "7"
    newest = await client.get("/api/v1/residents", params={"sort": "-roll_no", "limit": 1}, headers=warden.headers)
    assert [r["roll_no"] for r in newest.json()] == ["CS06"]
    assert newest.headers["X-Total-Count"] == "7"
    too_many = await client.get("/api/v1/residents", params={"limit": 501}, headers=warden.headers)
    assert too_many.status_code == 422


async def test_q_matches_email_and_room_and_filters(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    leaving = await world.resident(mess.id, roll_no="L1", active_to=date(2026, 3, 20))
    await world.resident(mess.id, roll_no="GONE", active_to=date(2026, 2, 1))
    await world.resident(mess.id, roll_no="STAY")
    patch = {"room": "B-204", "email": "Priya.Sharma@Example.edu"}
    answer = await client.patch(f"/api/v1/residents/{leaving.resident_id}", json=patch, headers=warden.headers)
    assert answer.status_code == 200 and answer.json()["room"] == "B-204"

    async def rolls(**params: str) -> list[str]:
        got = await client.get("/api/v1/residents", params=params, headers=warden.headers)
        assert got.status_code == 200, got.text
        assert got.headers["X-Total-Count"] == str(len(got.json()))
        return [r["roll_no"] for r in got.json()]

    assert await rolls(q="b-20") == ["L1"]
    assert await rolls(q="priya.SHARMA") == ["L1"]
    assert await rolls(status="active") == ["L1", "STAY"]
    assert await rolls(status="leaving") == ["L1"]
    assert await rolls() == ["GONE", "L1", "STAY"]
