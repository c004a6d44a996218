"""The per-resident no-show count applies the effective-booking rule by arithmetic; here it must agree, resident
by resident, with the one rule itself (mess.bookings.repository.effective_bookings) on a random history."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mess.bookings.repository import effective_bookings
from mess.kit.dates import each_day
from mess.models import Booking, CheckIn, Leave
from mess.reports.repository import no_shows_by_resident
from tests.mess.reports.small_data import NOW

START, END = date(2026, 2, 20), date(2026, 3, 5)


@pytest.mark.parametrize("mode", ["opt_out", "opt_in"])
async def test_matches_effective_bookings(world, mode):
    world.at(NOW)
    rng = random.Random(5 if mode == "opt_out" else 6)
    mess = await world.mess(booking_mode=mode)
    slots = [s.id for s in mess.slots]
    people = []
    for k in range(6):
        active_from = START + timedelta(days=rng.choice([-30, -30, 3]))
        active_to = END - timedelta(days=4) if k == 5 else None
        people.append(await world.resident(mess.id, active_from=active_from, active_to=active_to))
    rows = []
    for person in people:
        if rng.random() < 0.6:
            first = START + timedelta(days=rng.randint(0, 10))
            rows.append(
                Leave(
                    mess_id=mess.id,
                    resident_id=person.resident_id,
                    start_date=first,
                    end_date=first + timedelta(days=rng.randint(0, 4)),
                    status=rng.choice(["approved", "approved", "pending"]),
                    created_at=NOW,
                )
            )
        for day in each_day(START - timedelta(days=2), END + timedelta(days=2)):
            for slot in slots:
                roll = rng.random()
                if roll < 0.25:
                    status = rng.choice(["booked", "cancelled"])
                    rows.append(
                        Booking(
                            mess_id=mess.id,
                            resident_id=person.resident_id,
                            meal_date=day,
                            slot_id=slot,
                            status=status,
                            guests=0,
                            updated_at=NOW,
                        )
                    )
                if rng.random() < 0.6:
                    rows.append(
                        CheckIn(
                            mess_id=mess.id,
                            resident_id=person.resident_id,
                            roll_no=person.roll_no,
                            meal_date=day,
                            slot_id=slot,
                            result=rng.choice(["ok", "not_booked"]),
                            admitted=True,
                            created_at=NOW,
                        )
                    )
    async with world.database.transaction() as session:
        session.add_all(rows)

    chosen = tuple(slots[:3])
    async with world.database.read_only() as session:
        got = await no_shows_by_resident(session, mess.id, mode == "opt_out", chosen, START, END, 100)
        effective = (await session.execute(effective_bookings(mess.id, mode == "opt_out", START, END))).all()
        admitted = {
            (r, d, s)
            for r, d, s in (
                await session.execute(
                    select(CheckIn.resident_id, CheckIn.meal_date, CheckIn.slot_id).where(CheckIn.admitted.is_(True))
                )
            ).all()
        }
    booked, missed = Counter(), Counter()
    for row in effective:
        if row.slot_id in chosen and row.booked:
            booked[row.resident_id] += 1
            missed[row.resident_id] += (row.resident_id, row.meal_date, row.slot_id) not in admitted
    expected = sorted(
        ((rid, booked[rid], missed[rid]) for rid in booked if missed[rid] > 0),
        key=lambda t: (-t[2], next(p.roll_no for p in people if p.resident_id == t[0])),
    )
    assert [(r.resident_id, r.booked, r.no_shows) for r in got] == expected
    assert expected  # the random history does have no-shows
