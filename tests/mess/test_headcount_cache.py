"""The live headcount reuses the roster of a day per process while mess.roster_version stays the same: the triggers
move that version with every change to residents or approved leaves (and with nothing else), and the counts stay
equal to the effective-booking rule through bookings, cancellations, leaves, diet and residency changes, new
residents, a booking-mode switch, a rolled-back change, a change committed by another connection, and a change
committed between the request's two statements. Service-level, both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, event, select, text, update
from sqlalchemy.util import await_only

from mess.bookings.repository import effective_bookings, fetch_effective
from mess.headcount import repository, service
from mess.models import Booking, Leave, Mess, Resident
from tests.web.checkin_helpers import add_leave, book_for, cancel_for

YESTERDAY, TODAY, TOMORROW = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)


async def version(database, mess_id: int) -> str:
    async with database.transaction() as session:
        return (await session.execute(select(Mess.roster_version).where(Mess.id == mess_id))).scalar_one()


async def patch(world, person, path: str, body: dict[str, Any]) -> None:
    response = await world.client.patch(path, json=body, headers=person.headers)
    assert response.status_code == 200, response.text


async def post(world, person, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await world.client.post(path, json=body or {}, headers=person.headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


async def execute(database, statement) -> None:
    async with database.transaction() as session:
        await session.execute(statement)


def nonzero(by_diet: dict[str, tuple[int, int, int, int]]) -> dict[str, tuple[int, int, int, int]]:
    return {diet: counts for diet, counts in by_diet.items() if any(counts)}


async def rule(session, mess_id: int, day: date, slot_id: int) -> dict[str, tuple[int, int, int, int]]:
    """(residents, booked, guests, on leave) by diet, straight from the effective-booking rule."""
    mode = (await session.execute(select(Mess.booking_mode).where(Mess.id == mess_id))).scalar_one()
    truth: dict[str, list[int]] = {}
    for row in await fetch_effective(
        session, effective_bookings(mess_id, mode == "opt_out", day, day, slot_id=slot_id)
    ):
        counts = truth.setdefault(row.diet, [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += int(bool(row.booked))
        counts[2] += int(row.guests or 0)
        counts[3] += int(row.source == "leave")
    return nonzero({diet: (c[0], c[1], c[2], c[3]) for diet, c in truth.items()})


async def live(session, mess_id: int, day: date, slot_id: int) -> dict[str, tuple[int, int, int, int]]:
    counts = await service.meal_counts(session, mess_id, day, slot_id)
    return nonzero({d: (c.residents, c.booked, c.guests, c.on_leave) for d, c in counts.by_diet.items()})


async def assert_exact(database, mess) -> None:
    """Every meal of yesterday, today and tomorrow: the live counts equal the rule (cached roster or not)."""
    async with database.transaction() as session:
        for slot in mess.slots:
            for day in (YESTERDAY, TODAY, TOMORROW):
                assert await live(session, mess.id, day, slot.id) == await rule(session, mess.id, day, slot.id), (
                    slot.code,
                    day,
                )


def cached(database, mess_id: int, day: date) -> service.Roster:
    return service._rosters[database.engine.sync_engine][(mess_id, day)]


async def test_roster_version_moves_with_residents_and_approved_leaves_only(world, database, backend):
    mess, other = await world.mess(), await world.mess()
    warden = await world.user("warden", mess.id)
    seen = {mess.id: await version(database, mess.id), other.id: await version(database, other.id)}
    assert seen[mess.id] != seen[other.id]

    async def moved(*mess_ids: int) -> bool:
        """Whether the version of exactly these messes moved since the last look."""
        now = {m: await version(database, m) for m in seen}
        changed = {m for m in seen if now[m] != seen[m]}
        seen.update(now)
        return changed == set(mess_ids)

    person = await world.resident(mess.id, diet="veg")
    rid = person.resident_id
    assert await moved(mess.id)
    await patch(world, warden, f"/api/v1/residents/{rid}", {"name": "Renamed", "email": "x@example.edu"})
    assert await moved()  # not a roster change
    await patch(world, warden, f"/api/v1/residents/{rid}", {"diet": "jain"})
    assert await moved(mess.id)
    await patch(world, warden, f"/api/v1/residents/{rid}", {"diet": "jain"})
    assert await moved()  # the same value again
    await patch(world, warden, f"/api/v1/residents/{rid}", {"active_to": "2026-06-30"})
    assert await moved(mess.id)
    await patch(world, warden, f"/api/v1/residents/{rid}", {"active_from": "2025-02-01"})
    assert await moved(mess.id)

    pending = await post(
        world, warden, "/api/v1/leaves", {"resident_id": rid, "start_date": "2026-03-12", "end_date": "2026-03-13"}
    )
    assert await moved()  # a pending leave changes nothing
    await post(world, warden, f"/api/v1/leaves/{pending['id']}/approve", {"reason": "ok"})
    assert await moved(mess.id)
    rejected = await post(
        world, warden, "/api/v1/leaves", {"resident_id": rid, "start_date": "2026-03-20", "end_date": "2026-03-21"}
    )
    await post(world, warden, f"/api/v1/leaves/{rejected['id']}/reject", {"reason": "no"})
    assert await moved()
    await post(
        world,
        warden,
        "/api/v1/leaves",
        {"resident_id": rid, "start_date": "2026-04-01", "end_date": "2026-04-02", "status": "approved"},
    )
    assert await moved(mess.id)

    # Writes that bypass the services are caught as well (the triggers live in the database).
    await execute(database, update(Leave).where(Leave.status == "approved").values(reason="edited"))
    assert await moved()
    await execute(database, update(Leave).where(Leave.id == pending["id"]).values(end_date=date(2026, 3, 14)))
    assert await moved(mess.id)
    await execute(database, update(Leave).where(Leave.id == rejected["id"]).values(end_date=date(2026, 3, 22)))
    assert await moved()
    await execute(database, delete(Leave).where(Leave.id == pending["id"]))
    assert await moved(mess.id)
    await execute(database, delete(Leave).where(Leave.id == rejected["id"]))
    assert await moved()
    await execute(database, update(Resident).where(Resident.id == rid).values(diet="egg"))
    assert await moved(mess.id)
    await execute(database, update(Resident).where(Resident.id == rid).values(mess_id=other.id))
    assert await moved(mess.id, other.id)
    await add_leave(world, person, date(2026, 5, 1), date(2026, 5, 2), "approved")  # an ORM insert
    assert await moved(mess.id)  # the leave row names the mess it was recorded for
    if backend == "postgres":
        await execute(database, text("TRUNCATE leave"))
        assert await moved(mess.id, other.id)  # TRUNCATE knows no rows: every mess moves
    await execute(database, delete(Resident).where(Resident.id == rid))
    # Her approved leave of the first mess is deleted with her (ON DELETE CASCADE), unless truncated above.
    assert await moved(other.id, *([mess.id] if backend == "sqlite" else []))


@pytest.mark.parametrize("mode", ["opt_out", "opt_in"])
async def test_counts_stay_exact_through_every_kind_of_change(world, database, mode):
    mess = await world.mess(booking_mode=mode)
    warden = await world.user("warden", mess.id)
    people = {
        "A": await world.resident(mess.id, diet="veg"),
        "B": await world.resident(mess.id, diet="veg"),
        "C": await world.resident(mess.id, diet="egg"),
        "D": await world.resident(mess.id, diet="jain"),
        "E": await world.resident(mess.id, diet="non_veg"),
        "F": await world.resident(mess.id, diet="non_veg", active_to=TODAY),
    }
    await book_for(world, warden, people["C"], TOMORROW, "breakfast", guests=2)
    await cancel_for(world, warden, people["B"], TOMORROW, "breakfast")
    await assert_exact(database, mess)
    roster = cached(database, mess.id, TOMORROW)

    # Bookings alone: the roster of the day is reused as it is, and the counts follow every change.
    await book_for(world, warden, people["A"], TOMORROW, "breakfast", guests=1)
    await cancel_for(world, warden, people["C"], TOMORROW, "breakfast")
    await book_for(world, warden, people["B"], TOMORROW, "breakfast", guests=0)
    await book_for(world, warden, people["E"], TOMORROW, "breakfast", guests=3)
    await assert_exact(database, mess)
    assert cached(database, mess.id, TOMORROW) is roster

    steps = [
        lambda: patch(world, warden, f"/api/v1/residents/{people['A'].resident_id}", {"diet": "jain"}),
        lambda: add_leave(world, people["E"], TOMORROW, TOMORROW, "approved"),  # E booked with guests: now on leave
        lambda: add_leave(world, people["D"], TODAY, TOMORROW, "pending"),
        lambda: patch(world, warden, f"/api/v1/residents/{people['C'].resident_id}", {"active_to": "2026-03-10"}),
        lambda: patch(world, warden, f"/api/v1/residents/{people['F'].resident_id}", {"active_to": None}),
        lambda: world.resident(mess.id, diet="egg", active_from=TOMORROW),
        lambda: execute(database, delete(Leave).where(Leave.resident_id == people["E"].resident_id)),
        lambda: execute(database, update(Resident).where(Resident.id == people["B"].resident_id).values(diet="egg")),
        lambda: patch(world, warden, f"/api/v1/messes/{mess.id}", {"booking_mode": "opt_in"}),
        lambda: patch(world, warden, f"/api/v1/messes/{mess.id}", {"booking_mode": "opt_out"}),
        lambda: cancel_for(world, warden, people["A"], TOMORROW, "breakfast"),
    ]
    for number, step in enumerate(steps):
        before = await version(database, mess.id)
        await step()
        await assert_exact(database, mess)
        if await version(database, mess.id) != before:
            assert cached(database, mess.id, TOMORROW).version == await version(database, mess.id), number


async def test_a_rolled_back_change_leaves_no_wrong_roster_behind(world, database):
    mess = await world.mess(booking_mode="opt_out")
    veg = await world.resident(mess.id, diet="veg")
    await world.resident(mess.id, diet="veg")
    breakfast = mess.slots[0].id
    async with database.sessionmaker() as session:
        await session.execute(update(Resident).where(Resident.id == veg.resident_id).values(diet="jain"))
        inside = await live(session, mess.id, TOMORROW, breakfast)  # its own uncommitted change, now cached
        assert inside == {"veg": (1, 1, 0, 0), "jain": (1, 1, 0, 0)}
        await session.rollback()
    async with database.transaction() as session:
        assert await live(session, mess.id, TOMORROW, breakfast) == {"veg": (2, 2, 0, 0)}
        assert await rule(session, mess.id, TOMORROW, breakfast) == {"veg": (2, 2, 0, 0)}


async def test_a_change_is_seen_once_committed_elsewhere_and_not_before(world, database):
    mess = await world.mess(booking_mode="opt_out")
    veg = await world.resident(mess.id, diet="veg")
    await world.resident(mess.id, diet="veg")
    breakfast = mess.slots[0].id
    async with database.transaction() as reader:
        assert await live(reader, mess.id, TOMORROW, breakfast) == {"veg": (2, 2, 0, 0)}
    async with database.sessionmaker() as writer:
        await writer.execute(update(Resident).where(Resident.id == veg.resident_id).values(diet="egg"))
        async with database.transaction() as reader:
            assert await live(reader, mess.id, TOMORROW, breakfast) == {"veg": (2, 2, 0, 0)}
        await writer.commit()
    async with database.transaction() as reader:
        assert await live(reader, mess.id, TOMORROW, breakfast) == {"veg": (1, 1, 0, 0), "egg": (1, 1, 0, 0)}


async def test_a_change_committed_between_the_two_statements_is_counted_whole(world, database):
    """Another transaction cancels a meal and changes the diet of the same resident right after the request read
    the meal's bookings: the roster it then reads is newer than those bookings, so the meal is counted again in
    one statement -- never the old bookings with the new roster (which would count her booked, as jain)."""
    mess = await world.mess(booking_mode="opt_out")
    warden = await world.user("warden", mess.id)
    her = await world.resident(mess.id, diet="veg")
    await world.resident(mess.id, diet="veg")
    breakfast = mess.slots[0].id

    async def cancel_and_change_diet() -> None:
        async with database.transaction() as session:
            await session.execute(update(Resident).where(Resident.id == her.resident_id).values(diet="jain"))
            await session.execute(
                Booking.__table__.insert().values(
                    mess_id=mess.id,
                    resident_id=her.resident_id,
                    meal_date=TOMORROW,
                    slot_id=breakfast,
                    status="cancelled",
                    guests=0,
                    updated_at=world.clock.now(),
                    updated_by=warden.id,
                )
            )

    armed = True

    def between(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        nonlocal armed
        if armed and "covering_leave" in statement:  # the roster statement, after the bookings were read
            armed = False
            await_only(cancel_and_change_diet())

    event.listen(database.engine.sync_engine, "before_cursor_execute", between)
    try:
        async with database.transaction() as session:
            got = await live(session, mess.id, TOMORROW, breakfast)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", between)
    assert not armed
    assert got == {"veg": (1, 1, 0, 0), "jain": (1, 0, 0, 0)}
    async with database.transaction() as session:
        assert await rule(session, mess.id, TOMORROW, breakfast) == got
        assert await live(session, mess.id, TOMORROW, breakfast) == got


async def test_the_one_statement_aggregate_and_the_split_agree_on_an_empty_mess(world, database):
    mess = await world.mess()
    async with database.transaction() as session:
        counts = await service.meal_counts(session, mess.id, TOMORROW, mess.slots[0].id)
        assert counts.total("residents") == counts.total("booked") == 0 and counts.frozen is None
        assert await repository.meal_counts(session, mess.id, True, TOMORROW, mess.slots[0].id) == []
