"""Roll numbers and logins are one person however they are typed: sign-in, counter, creation, the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import PASSWORD
from tests.web.checkin_helpers import check_in


async def test_sign_in_ignores_case(world, client):
    mess = await world.mess()
    await world.resident(mess.id, roll_no="CS21B004")
    warden = await world.user("warden", mess.id)
    for username in ("cs21b004", "Cs21B004 ", warden.actor.login.upper()):
        answer = await client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, (username, answer.text)
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    assert me.json()["role"] == "warden"


async def test_counter_knows_a_lower_case_roll_number(world):
    mess = await world.mess(booking_mode="opt_out")
    staff = await world.user("staff", mess.id)
    resident = await world.resident(mess.id, roll_no="R0004")
    result = await check_in(world, staff, roll_no="r0004")
    assert result["result"] == "ok" and result["resident"]["id"] == resident.resident_id


async def test_creating_a_roll_number_that_differs_only_in_case_is_refused(world, client):
    mess = await world.mess()
    warden = await world.user("warden", mess.id)
    await world.resident(mess.id, roll_no="R0004")
    body = {
        "roll_no": "r0004",
        "name": "Twin",
        "email": "t@example.edu",
        "password": PASSWORD,
        "active_from": "2026-03-01",
    }
    answer = await client.post("/api/v1/residents", json=body, headers=warden.headers)
    assert answer.status_code == 409 and answer.json()["code"] == "already_exists"
    clash = {"login": warden.actor.login.upper(), "name": "X", "password": PASSWORD, "role": "staff"}
    answer = await client.post("/api/v1/users", json=clash, headers=warden.headers)
    assert answer.status_code == 409


async def test_the_database_refuses_a_case_twin(world, database):
    mess = await world.mess()
    first = await world.resident(mess.id, roll_no="AB12")
    second = await world.resident(mess.id, roll_no="CD34")
    statements = [
        ("UPDATE resident SET roll_no = 'ab12' WHERE id = :id", second.resident_id),
        ("UPDATE user_account SET login = 'ab12' WHERE id = :id", second.actor.user_id),
    ]
    for statement, row_id in statements:
        with pytest.raises(IntegrityError):
            async with database.transaction() as session:
                await session.execute(text(statement), {"id": row_id})
    assert first.roll_no == "AB12"
