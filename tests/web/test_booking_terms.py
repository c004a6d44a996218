"""A resident's booking on terms this process remembers is one guarded statement; the remembered terms are never
trusted: whatever changed since (settings, leave, residency) is refused or applied exactly as on the full path."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, select, update

from mess.bookings import fast_path
from mess.db.engine import Database
from mess.models import Booking, Leave, Mess, Resident, Slot

DAY = "2026-03-12"


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def change(database: Database, *statements_: Any) -> None:
    async with database.transaction() as session:
        for statement in statements_:
            await session.execute(statement)


async def remembered(world, client) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    mess = await world.mess(timezone="Asia/Kolkata", cutoff_minutes=720, max_guests=2)
    resident = await world.resident(mess.id)
    fast_path.forget_all()
    first = await client.put(f"/api/v1/bookings/{DAY}/lunch", json={"guests": 1}, headers=resident.headers)
    assert first.status_code == 200, first.text
    assert (mess.id, "lunch") in fast_path._known_terms
    return mess, resident


async def test_a_remembered_booking_is_one_statement(world, client, database):
    _mess, resident = await remembered(world, client)
    with statements(database) as sent:
        response = await client.delete(f"/api/v1/bookings/{DAY}/lunch", headers=resident.headers)
    assert response.status_code == 200, response.text
    assert response.json()["booked"] is False and response.json()["guests"] == 0
    assert len(sent) == 1 and sent[0].lstrip().upper().startswith("INSERT"), sent
    rows = (await client.get(f"/api/v1/bookings?from={DAY}&to={DAY}", headers=resident.headers)).json()
    lunch = next(r for r in rows if r["slot"] == "lunch")
    assert (lunch["booked"], lunch["guests"], lunch["source"]) == (False, 0, "explicit")


async def test_a_changed_cutoff_is_not_missed(world, client, database):
    mess, resident = await remembered(world, client)
    # Now 09:00 IST on the 10th; a 3-day cutoff closed lunch of the 12th on the 9th.
    lunch = update(Slot).where(Slot.mess_id == mess.id, Slot.code == "lunch")
    await change(database, lunch.values(cutoff_minutes=4320))
    refused = await client.delete(f"/api/v1/bookings/{DAY}/lunch", headers=resident.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "cutoff_passed", refused.text


async def test_a_changed_time_zone_moves_the_cutoff(world, client, database):
    mess, resident = await remembered(world, client)
    await change(database, update(Mess).where(Mess.id == mess.id).values(timezone="Europe/Berlin"))
    response = await client.delete(f"/api/v1/bookings/{DAY}/lunch", headers=resident.headers)
    assert response.status_code == 200, response.text
    # Lunch at 12:30 Berlin (UTC+1) minus 720 minutes: 23:30 UTC on the 11th (Kolkata would say 19:00).
    assert response.json()["cutoff_at"].startswith("2026-03-11T23:30:00")


async def test_a_new_leave_refuses_a_booking_but_not_a_cancellation(world, client, database):
    mess, resident = await remembered(world, client)
    leave = Leave(
        mess_id=mess.id,
        resident_id=resident.resident_id,
        start_date=date(2026, 3, 12),
        end_date=date(2026, 3, 14),
        status="approved",
        reason="home",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    async with database.transaction() as session:
        session.add(leave)
    refused = await client.put(f"/api/v1/bookings/{DAY}/lunch", json={"guests": 0}, headers=resident.headers)
    assert refused.status_code == 409 and refused.json()["code"] == "on_leave", refused.text
    cancelled = await client.delete(f"/api/v1/bookings/{DAY}/lunch", headers=resident.headers)
    assert cancelled.status_code == 200, cancelled.text


async def test_a_lowered_guest_limit_and_an_ended_residency_are_refused(world, client, database):
    mess, resident = await remembered(world, client)
    await change(database, update(Mess).where(Mess.id == mess.id).values(max_guests=0))
    too_many = await client.put(f"/api/v1/bookings/{DAY}/lunch", json={"guests": 1}, headers=resident.headers)
    assert too_many.status_code == 422 and too_many.json()["code"] == "too_many_guests", too_many.text
    await change(
        database, update(Resident).where(Resident.id == resident.resident_id).values(active_to=date(2026, 3, 11))
    )
    gone = await client.delete(f"/api/v1/bookings/{DAY}/lunch", headers=resident.headers)
    assert gone.status_code == 409 and gone.json()["code"] == "not_resident", gone.text


async def test_a_resident_moved_to_another_mess_is_judged_by_the_full_path(world, client, database):
    _mess, resident = await remembered(world, client)
    other = await world.mess(code="north")
    await change(database, update(Resident).where(Resident.id == resident.resident_id).values(mess_id=other.id))
    # The old token names the old mess: refused as before, and nothing written in the old mess's slot.
    stale = await client.put(f"/api/v1/bookings/{DAY}/lunch", json={"guests": 0}, headers=resident.headers)
    assert stale.status_code == 403 and stale.json()["code"] == "wrong_mess", stale.text
    async with database.read_only() as session:
        guests = (await session.execute(select(Booking.guests, Booking.slot_id))).all()
        lunch_there = await session.scalar(select(Slot.id).where(Slot.mess_id == other.id, Slot.code == "lunch"))
    assert [g for g, _ in guests] == [1]
    # Signed in again (a token for the new mess), the booking lands in the new mess's lunch.
    moved = world.headers_for(dataclasses.replace(resident.actor, mess_id=other.id))
    response = await client.put(f"/api/v1/bookings/{DAY}/lunch", json={"guests": 0}, headers=moved)
    assert response.status_code == 200, response.text
    assert response.json()["slot_id"] == lunch_there
