"""The resident's short-lived QR code and checking in with it: ok, expired (a screenshot cannot be replayed at the
next meal), tampered. The clock stands at 2026-03-10 09:00 IST, during breakfast."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.web.checkin_helpers import check_in, checkin_rows


async def test_qr_token_ok_expired_and_tampered(world, client, settings):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id)
    other = await world.resident(mess.id)
    response = await client.get("/api/v1/me/qr", headers=resident.headers)
    assert response.status_code == 200, response.text
    qr = response.json()
    assert (
        qr["svg"].startswith("<svg")
        and "<path" in qr["svg"]
        and "http" not in qr["svg"].replace("http://www.w3.org/2000/svg", "")
    )
    expires = datetime.fromisoformat(qr["expires_at"])
    assert (expires - world.clock.now()).total_seconds() == settings.qr_token_seconds

    # Tampered: another resident's id with the original signature, or a changed signature.
    forged = qr["token"].replace(f"r{resident.resident_id}.", f"r{other.resident_id}.", 1)
    for bad in (forged, qr["token"][:-2] + ("AA" if not qr["token"].endswith("AA") else "BB"), "garbage"):
        out = await check_in(world, staff, token=bad)
        assert (out["result"], out["accepted"], out["resident"]) == ("unknown_resident", False, None)
        assert "Invalid QR" in out["message"]

    ok = await check_in(world, staff, token=qr["token"])
    assert (ok["result"], ok["method"], ok["resident"]["id"]) == ("ok", "qr", resident.resident_id)

    # The same screenshot a little later (still breakfast), and at the next meal: refused as expired.
    fresh = (await client.get("/api/v1/me/qr", headers=other.headers)).json()
    world.clock.advance(seconds=settings.qr_token_seconds)
    expired = await client.post("/api/v1/checkins", json={"token": fresh["token"]}, headers=staff.headers)
    assert expired.status_code == 422
    assert expired.json()["code"] == "invalid_token" and "expired" in expired.json()["detail"]
    world.at(datetime(2026, 3, 10, 7, 30, tzinfo=UTC))  # 13:00 IST, lunch
    replay = await client.post("/api/v1/checkins", json={"token": qr["token"]}, headers=staff.headers)
    assert replay.status_code == 422 and replay.json()["code"] == "invalid_token"
    rows = await checkin_rows(world)
    assert [(r.method, r.result) for r in rows] == [("qr", "unknown_resident")] * 3 + [("qr", "ok")]


async def test_only_residents_have_a_qr_code(world, client):
    mess = await world.mess()
    staff = await world.user("staff", mess.id)
    assert (await client.get("/api/v1/me/qr", headers=staff.headers)).status_code == 403
    assert (await client.get("/api/v1/me/qr")).status_code == 401
