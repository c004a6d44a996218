"""Shared helpers for the domain API tests: a small cast of people in two messes, and error assertions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tests.factories import Person, World

BIG_ID = 2**40  # larger than any database id column can hold: must be a 422, never a 500


@dataclass
class Cast:
    mess: Any
    warden: Person
    staff: Person
    resident: Person
    other_mess: Any
    other_warden: Person
    other_staff: Person | None = None
    admin: Person | None = None


async def cast(world: World, *, resident_from: date = date(2025, 1, 1), full: bool = False, **policy: Any) -> Cast:
    """Mess A with a warden, staff and one resident; mess B with a warden; with `full` also mess B's staff and an
    admin (every account costs an argon2 hash, so tests ask only for whom they need)."""
    mess = await world.mess(**policy)
    other = await world.mess()
    return Cast(
        mess=mess,
        warden=await world.user("warden", mess.id),
        staff=await world.user("staff", mess.id),
        resident=await world.resident(mess.id, active_from=resident_from),
        other_mess=other,
        other_warden=await world.user("warden", other.id),
        other_staff=await world.user("staff", other.id) if full else None,
        admin=await world.user("admin", None) if full else None,
    )


def expect(response: httpx.Response, status: int, code: str | None = None) -> Any:
    """Assert the status (and the error code); return the JSON body."""
    assert response.status_code == status, f"{response.status_code} != {status}: {response.text}"
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    if status >= 400:
        assert "detail" in body and "code" in body, body
    return body
