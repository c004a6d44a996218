"""A mess with four months of rollups (synthetic, known truth) and raw rows for the per-dish and money tables."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mess.forecast.synthetic import academic_calendar, generate_attendance, no_show_rate
from mess.kit.dates import each_day
from mess.models import Bill, CheckIn, DailyRollup, Expense, Feedback, MenuDish, Wastage
from tests.factories import Person, World

NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata, Tuesday 10 March 2026
FIRST, LAST = date(2025, 11, 1), date(2026, 3, 10)
RESIDENTS = 240
DISHES = {
    "breakfast": ["Poha", "Idli", "Upma"],
    "lunch": ["Dal", "Rice", "Rajma"],
    "snacks": ["Samosa", "Tea"],
    "dinner": ["Paneer", "Roti", "Khichdi"],
}


@dataclass
class Seeded:
    mess: Any
    slots: dict[str, int]
    warden: Person
    residents: list[Person]


async def seed_history(world: World) -> Seeded:
    world.at(NOW)
    rng = random.Random(99)
    mess = await world.mess(booking_mode="opt_out")
    slots = {s.code: s.id for s in mess.slots}
    warden = await world.user("warden", mess.id)
    residents = [await world.resident(mess.id, active_from=date(2025, 6, 1)) for _ in range(3)]
    rows: list[Any] = []
    for meal in generate_attendance(FIRST, LAST, RESIDENTS, seed=21, calendar=academic_calendar(FIRST, LAST)):
        booked = min(RESIDENTS, round(meal.served / (1 - no_show_rate(meal.slot))))
        walk_ins = rng.randint(0, 3)
        checked_in = max(meal.served - walk_ins, 0)
        ratings = rng.randint(0, 6)
        rows.append(
            DailyRollup(
                mess_id=mess.id,
                rollup_date=meal.day,
                slot_id=slots[meal.slot],
                residents=RESIDENTS,
                booked=booked,
                guests=rng.randint(0, 4),
                on_leave=rng.randint(0, 10),
                checked_in=checked_in,
                walk_ins=walk_ins,
                no_shows=booked - checked_in,
                waste_grams=rng.randint(2000, 9000),
                rating_sum=sum(rng.randint(2, 5) for _ in range(ratings)),
                rating_count=ratings,
                meal_revenue=booked * 6000,
                updated_at=NOW,
            )
        )
    for day in each_day(FIRST, LAST):
        if day.weekday() in (0, 3):
            rows.append(
                Expense(
                    mess_id=mess.id,
                    expense_date=day,
                    category="groceries",
                    amount=rng.randint(200000, 400000),
                    created_at=NOW,
                )
            )
        if day.weekday() == 1:
            rows.append(
                Expense(
                    mess_id=mess.id,
                    expense_date=day,
                    category="vegetables",
                    amount=rng.randint(50000, 90000),
                    created_at=NOW,
                )
            )
        if day >= date(2026, 2, 1):
            for slot, dishes in DISHES.items():
                for position, dish in enumerate(rng.sample(dishes, 2)):
                    rows.append(
                        MenuDish(mess_id=mess.id, menu_date=day, slot_id=slots[slot], dish=dish, position=position)
                    )
                rows.append(
                    Wastage(
                        mess_id=mess.id,
                        waste_date=day,
                        slot_id=slots[slot],
                        grams=rng.randint(1000, 6000),
                        created_at=NOW,
                    )
                )
                for person in residents:
                    if rng.random() < 0.3:
                        rows.append(
                            Feedback(
                                mess_id=mess.id,
                                resident_id=person.resident_id,
                                meal_date=day,
                                slot_id=slots[slot],
                                rating=rng.randint(1, 5),
                                created_at=NOW,
                            )
                        )
    rows.append(Expense(mess_id=mess.id, expense_date=date(2026, 3, 2), category="fuel", amount=150000, created_at=NOW))
    for month, base in (("2026-01", 420000), ("2026-02", 400000)):
        for k, person in enumerate(residents):
            rows.append(
                Bill(
                    mess_id=mess.id, resident_id=person.resident_id, month=month, total=base + 1111 * k, created_at=NOW
                )
            )
    # The first resident skipped two booked lunches last week; the others ate theirs.
    for day in each_day(date(2026, 3, 2), date(2026, 3, 8)):
        for k, person in enumerate(residents):
            if k == 0 and day in (date(2026, 3, 3), date(2026, 3, 5)):
                continue
            rows.append(
                CheckIn(
                    mess_id=mess.id,
                    resident_id=person.resident_id,
                    roll_no=person.roll_no,
                    meal_date=day,
                    slot_id=slots["lunch"],
                    result="ok",
                    admitted=True,
                    created_at=NOW,
                )
            )
    async with world.database.transaction() as session:
        session.add_all(rows)
    return Seeded(mess, slots, warden, residents)
