"""A small mess whose report numbers are worked out by hand in the tests (rows inserted directly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from mess.models import Bill, Booking, CheckIn, DailyRollup, Expense, Feedback, Leave, MenuDish, Wastage
from tests.factories import Person, World

# 15:00 in Kolkata: the 10th's breakfast and lunch have ended, its snacks and dinner not yet (PRODUCT 7.5)
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

# (date, slot): residents, booked, guests, on_leave, checked_in, walk_ins, no_shows, waste_g, rating_sum,
# rating_count, meal_revenue
ROLLUPS: dict[tuple[date, str], tuple[int, ...]] = {
    (date(2026, 2, 27), "lunch"): (10, 8, 0, 0, 8, 0, 0, 0, 0, 0, 12000),
    (date(2026, 3, 2), "breakfast"): (10, 8, 1, 1, 6, 1, 2, 1500, 8, 2, 8000),
    (date(2026, 3, 2), "lunch"): (10, 9, 0, 1, 9, 0, 0, 500, 12, 3, 13500),
    (date(2026, 3, 9), "breakfast"): (10, 7, 0, 0, 4, 2, 3, 2000, 3, 1, 7000),
    (date(2026, 3, 10), "lunch"): (10, 10, 2, 0, 5, 0, 5, 0, 0, 0, 15000),
}
EXPENSES = [
    (date(2026, 2, 27), "dairy", 5000),
    (date(2026, 3, 2), "groceries", 30000),
    (date(2026, 3, 5), "vegetables", 12000),
    (date(2026, 3, 9), "groceries", 10000),
]
MENU = {
    (date(2026, 3, 2), "breakfast"): ["Poha", "Tea"],
    (date(2026, 3, 2), "lunch"): ["Dal", "Rice"],
    (date(2026, 3, 9), "breakfast"): ["Poha", "Bread"],
}
WASTAGE = [
    (date(2026, 3, 2), "breakfast", 1000),
    (date(2026, 3, 2), "breakfast", 500),
    (date(2026, 3, 2), "lunch", 500),
    (date(2026, 3, 9), "breakfast", 2000),
]


@dataclass
class SmallMess:
    mess: Any
    slots: dict[str, int]
    residents: dict[str, Person]  # "A".."D"
    warden: Person


async def build_small_mess(world: World) -> SmallMess:
    world.at(NOW)
    mess = await world.mess(booking_mode="opt_out")
    slots = {s.code: s.id for s in mess.slots}
    residents = {}
    for key in "ABCD":
        residents[key] = await world.resident(mess.id, roll_no=f"{key}{mess.id:03d}", active_from=date(2025, 6, 1))
    warden = await world.user("warden", mess.id)
    rid = {k: p.resident_id for k, p in residents.items()}
    rows: list[Any] = []
    for (day, slot), values in ROLLUPS.items():
        fields = dict(
            zip(
                (
                    "residents",
                    "booked",
                    "guests",
                    "on_leave",
                    "checked_in",
                    "walk_ins",
                    "no_shows",
                    "waste_grams",
                    "rating_sum",
                    "rating_count",
                    "meal_revenue",
                ),
                values,
                strict=True,
            )
        )
        rows.append(DailyRollup(mess_id=mess.id, rollup_date=day, slot_id=slots[slot], updated_at=NOW, **fields))
    for day, category, amount in EXPENSES:
        rows.append(Expense(mess_id=mess.id, expense_date=day, category=category, amount=amount, created_at=NOW))
    for (day, slot), dishes in MENU.items():
        for position, dish in enumerate(dishes):
            rows.append(MenuDish(mess_id=mess.id, menu_date=day, slot_id=slots[slot], dish=dish, position=position))
    for day, slot, grams in WASTAGE:
        rows.append(Wastage(mess_id=mess.id, waste_date=day, slot_id=slots[slot], grams=grams, created_at=NOW))
    ratings = [
        ("A", date(2026, 3, 2), "breakfast", 4),
        ("B", date(2026, 3, 2), "breakfast", 4),
        ("A", date(2026, 3, 2), "lunch", 5),
        ("B", date(2026, 3, 2), "lunch", 4),
        ("C", date(2026, 3, 2), "lunch", 3),
        ("A", date(2026, 3, 9), "breakfast", 3),
    ]
    for key, day, slot, rating in ratings:
        rows.append(
            Feedback(
                mess_id=mess.id, resident_id=rid[key], meal_date=day, slot_id=slots[slot], rating=rating, created_at=NOW
            )
        )
    for key, total in (("A", 100000), ("B", 120000), ("C", 90000)):
        rows.append(Bill(mess_id=mess.id, resident_id=rid[key], month="2026-02", total=total, created_at=NOW))

    # Raw bookings and check-ins for the per-resident no-shows (lunch, 9 and 10 March; opt-out mess):
    # A eats on the 9th only; B cancels the 10th and walks in anyway; C is on approved leave; D eats both.
    def checkin(key: str, day: date, *, walk_in: bool = False) -> CheckIn:
        return CheckIn(
            mess_id=mess.id,
            resident_id=rid[key],
            roll_no=residents[key].roll_no,
            meal_date=day,
            slot_id=slots["lunch"],
            result="not_booked" if walk_in else "ok",
            admitted=True,
            walk_in=walk_in,
            created_at=NOW,
        )

    rows += [
        checkin("A", date(2026, 3, 9)),
        checkin("B", date(2026, 3, 10), walk_in=True),
        checkin("D", date(2026, 3, 9)),
        checkin("D", date(2026, 3, 10)),
        Booking(
            mess_id=mess.id,
            resident_id=rid["B"],
            meal_date=date(2026, 3, 10),
            slot_id=slots["lunch"],
            status="cancelled",
            guests=0,
            updated_at=NOW,
        ),
        Leave(
            mess_id=mess.id,
            resident_id=rid["C"],
            start_date=date(2026, 3, 9),
            end_date=date(2026, 3, 10),
            status="approved",
            created_at=NOW,
        ),
    ]
    async with world.database.transaction() as session:
        session.add_all(rows)
    return SmallMess(mess, slots, residents, warden)
