"""Accounts (PRODUCT 7.1): change password, forgotten-password links, invites; links single use and expiring."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.factories import PASSWORD

NEW = "a-new-long-passphrase"


def sent(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return app.state.notifier.sent


def token_in(body: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000/password/set\?token=(\S+)", body)
    assert match, body
    return match.group(1)


async def sign_in(client, login: str, password: str) -> int:  # type: ignore[no-untyped-def]
    answer = await client.post("/api/v1/auth/token", data={"username": login, "password": password})
    return answer.status_code


async def test_change_password(world, client):
    mess = await world.mess()
    resident = await world.resident(mess.id, roll_no="CP1")
    url = "/api/v1/auth/password"
    wrong = await client.post(url, json={"current_password": "nope", "new_password": NEW}, headers=resident.headers)
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    for weak in ("short", "cp1", "CP1", "password123", "aaaaaaaaaa"):
        answer = await client.post(
            url, json={"current_password": PASSWORD, "new_password": weak}, headers=resident.headers
        )
        assert answer.status_code == 422 and answer.json()["code"] == "weak_password", weak
    done = await client.post(url, json={"current_password": PASSWORD, "new_password": NEW}, headers=resident.headers)
    assert done.status_code == 204
    assert await sign_in(client, "cp1", NEW) == 200
    assert await sign_in(client, "cp1", PASSWORD) == 401


async def test_forgotten_password(world, client, app):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="FP1")
    for unknown in ("nobody", "nobody@example.edu"):
        answer = await client.post("/api/v1/auth/reset-request", json={"login": unknown})
        assert answer.status_code == 202
    assert sent(app) == []
    answer = await client.post("/api/v1/auth/reset-request", json={"login": "fp1@example.edu"})
    assert answer.status_code == 202
    [(to, subject, body)] = sent(app)
    assert to == "fp1@example.edu" and "reset your password" in subject and "FP1" in body
    assert "Tue 10 Mar, 9:30 am" in body  # 30 minutes from now, the mess's local time
    first = token_in(body)
    await client.post("/api/v1/auth/reset-request", json={"login": "fP1"})
    second = token_in(sent(app)[-1][2])

    weak = await client.post("/api/v1/auth/reset", json={"token": second, "new_password": "fp1"})
    assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
    used = await client.post("/api/v1/auth/reset", json={"token": second, "new_password": NEW})
    assert used.status_code == 204
    assert await sign_in(client, "FP1", NEW) == 200
    for dead in (second, first, first[:-2] + "xx", "1.reset.9999999999.forged"):
        again = await client.post("/api/v1/auth/reset", json={"token": dead, "new_password": NEW + "2"})
        assert again.status_code == 400 and again.json()["code"] == "invalid_token", dead


async def test_reset_link_expires_and_requests_are_rate_limited(world, client, app):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="EX1")
    await client.post("/api/v1/auth/reset-request", json={"login": "EX1"})
    token = token_in(sent(app)[0][2])
    world.at(world.clock.now() + timedelta(minutes=31))
    late = await client.post("/api/v1/auth/reset", json={"token": token, "new_password": NEW})
    assert late.status_code == 400
    codes = [(await client.post("/api/v1/auth/reset-request", json={"login": "ex1"})).status_code for _ in range(6)]
    assert codes == [202, 202, 202, 202, 202, 429]
    unknown = [(await client.post("/api/v1/auth/reset-request", json={"login": "zz"})).status_code for _ in range(6)]
    assert unknown[-1] == 429  # the same limit whether the account exists or not


async def test_invites_set_a_first_password(world, client, app):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    csv = "roll_no,name,email\nIN1,Asha Rao,asha@example.edu\nIN2,Vikram,vik@example.edu\n"
    files = {"file": ("r.csv", csv.encode(), "text/csv")}
    imported = await client.post(
        "/api/v1/residents/import", files=files, params={"invite": "true"}, headers=warden.headers
    )
    assert imported.json()["created"] == 2
    assert sorted(m[0] for m in sent(app)) == ["asha@example.edu", "vik@example.edu"]
    asha = next(body for to, _, body in sent(app) if to == "asha@example.edu")
    assert "Hello Asha Rao" in asha and "IN1" in asha and "Tue 17 Mar" in asha  # 7 days
    assert await sign_in(client, "IN1", PASSWORD) == 401

    world.at(world.clock.now() + timedelta(days=6))
    done = await client.post("/api/v1/auth/reset", json={"token": token_in(asha), "new_password": NEW})
    assert done.status_code == 204
    assert await sign_in(client, "in1", NEW) == 200

    everyone = await client.post("/api/v1/residents/invite-all", headers=warden.headers)
    assert everyone.json() == {"invited": 1, "emails": ["vik@example.edu"]}
    listed = await client.get("/api/v1/residents", params={"q": "IN2"}, headers=warden.headers)
    vik_id = listed.json()[0]["id"]
    one = await client.post(f"/api/v1/residents/{vik_id}/invite", headers=warden.headers)
    assert one.status_code == 202
    world.at(world.clock.now() + timedelta(days=8))
    late = await client.post("/api/v1/auth/reset", json={"token": token_in(sent(app)[-1][2]), "new_password": NEW})
    assert late.status_code == 400

    other = await world.mess()
    foreign = await world.user("warden", other.id)
    denied = await client.post(f"/api/v1/residents/{vik_id}/invite", headers=foreign.headers)
    assert denied.status_code in (403, 404)
