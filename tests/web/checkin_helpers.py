"""Helpers for the check-in and headcount tests: leaves straight into the table (the leave workflow is another
domain's), check-ins and bookings through the REST API, and reading back what was recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from mess.models import AuditLog, CheckIn, Leave
from tests.factories import Person, World


async def add_leave(world: World, resident: Person, start: date, end: date, status: str = "approved") -> None:
    assert resident.resident_id is not None
    async with world.database.transaction() as session:
        session.add(
            Leave(
                mess_id=resident.actor.mess_id,
                resident_id=resident.resident_id,
                start_date=start,
                end_date=end,
                reason="home",
                status=status,
                created_at=world.clock.now(),
            )
        )


async def check_in(world: World, staff: Person, **body: Any) -> dict[str, Any]:
    body = {key: (value.isoformat() if isinstance(value, date) else value) for key, value in body.items()}
    response = await world.client.post("/api/v1/checkins", json=body, headers=staff.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def book_for(world: World, staff: Person, resident: Person, day: date, slot: str, guests: int = 0) -> None:
    response = await world.client.put(
        f"/api/v1/bookings/{day.isoformat()}/{slot}",
        json={"guests": guests, "resident_id": resident.resident_id, "reason": "test"},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text


async def cancel_for(world: World, staff: Person, resident: Person, day: date, slot: str) -> None:
    response = await world.client.delete(
        f"/api/v1/bookings/{day.isoformat()}/{slot}",
        params={"resident_id": resident.resident_id, "reason": "test"},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text


async def checkin_rows(world: World) -> list[CheckIn]:
    async with world.database.transaction() as session:
        return list((await session.execute(select(CheckIn).order_by(CheckIn.id))).scalars())


async def audit_rows(world: World, action: str) -> list[AuditLog]:
    async with world.database.transaction() as session:
        return list((await session.execute(select(AuditLog).where(AuditLog.action == action))).scalars())
