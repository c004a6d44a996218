"""`mess seed`: a demo mess with accounts, prices, a weekly menu and realistic history, written in bulk."""

from __future__ import annotations

import random
import sys
import time as timer
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.passwords import hash_password
from mess.bookings.service import cutoff_at
from mess.config import get_settings
from mess.db.engine import Database
from mess.headcount.service import freeze_meal
from mess.kit.clock import get_clock
from mess.kit.dates import each_day, local_today
from mess.models import (
    Booking,
    CheckIn,
    Expense,
    ExtraItem,
    ExtraPurchase,
    Feedback,
    FixedCharge,
    Leave,
    MealPrice,
    MenuTemplateDish,
    Mess,
    Resident,
    Slot,
    UserAccount,
    Wastage,
)
from mess.rollups.service import rebuild_rollups
from mess.seed.history import Calendar, MealSlot, meal_events, plan_leaves, plan_residents

DEMO_CODE = "DEMO"
DEMO_PASSWORDS = {"warden": "warden-demo-pass", "staff": "staff-demo-pass", "resident": "resident-demo-pass"}
SLOTS = [
    ("breakfast", "Breakfast", time(7, 30), time(9, 30)),
    ("lunch", "Lunch", time(12, 30), time(14, 30)),
    ("snacks", "Snacks", time(17, 0), time(18, 0)),
    ("dinner", "Dinner", time(19, 30), time(21, 30)),
]
PRICES = {"breakfast": 4000, "lunch": 7000, "snacks": 2500, "dinner": 7500}
EXTRAS = [("Boiled egg", 1200), ("Milk", 1500), ("Curd", 1000), ("Special dinner", 15000)]
MENU = {
    "breakfast": [
        [("Poha", "veg"), ("Boiled egg", "egg"), ("Tea", "veg")],
        [("Idli sambar", "veg"), ("Coffee", "veg")],
        [("Aloo paratha", "veg"), ("Curd", "veg")],
        [("Upma", "veg"), ("Omelette", "egg")],
        [("Dosa", "veg"), ("Chutney", "veg")],
        [("Chole bhature", "veg")],
        [("Puri bhaji", "veg"), ("Bread omelette", "egg")],
    ],
    "lunch": [
        [("Rice", "veg"), ("Dal tadka", "veg"), ("Aloo gobi", "veg"), ("Chicken curry", "non_veg")],
        [("Rice", "veg"), ("Rajma", "veg"), ("Bhindi fry", "veg")],
        [("Jeera rice", "veg"), ("Dal makhani", "veg"), ("Egg curry", "egg")],
        [("Rice", "veg"), ("Sambar", "veg"), ("Fish fry", "non_veg")],
        [("Pulao", "veg"), ("Kadhi", "veg"), ("Mix veg", "veg")],
        [("Veg biryani", "veg"), ("Raita", "veg"), ("Chicken biryani", "non_veg")],
        [("Rice", "veg"), ("Chana dal", "veg"), ("Paneer butter masala", "veg")],
    ],
    "snacks": [
        [("Samosa", "veg"), ("Tea", "veg")],
        [("Pakora", "veg"), ("Coffee", "veg")],
        [("Bread pakora", "veg")],
        [("Maggi", "veg")],
        [("Vada pav", "veg")],
        [("Sandwich", "veg")],
        [("Biscuits", "veg"), ("Tea", "veg")],
    ],
    "dinner": [
        [("Roti", "veg"), ("Paneer masala", "veg"), ("Dal", "veg")],
        [("Roti", "veg"), ("Mutton curry", "non_veg"), ("Mixed veg", "veg")],
        [("Fried rice", "veg"), ("Manchurian", "veg")],
        [("Roti", "veg"), ("Egg bhurji", "egg"), ("Dal fry", "veg")],
        [("Roti", "veg"), ("Chicken masala", "non_veg"), ("Aloo matar", "veg")],
        [("Khichdi", "jain"), ("Papad", "veg")],
        [("Roti", "veg"), ("Malai kofta", "veg"), ("Gulab jamun", "veg")],
    ],
}
BATCH = 5000
# Per plate (dish -> portion, unit); any other dish 150 g.
PORTIONS = {
    "Rice": (180, "g"),
    "Jeera rice": (180, "g"),
    "Roti": (3, "pieces"),
    "Tea": (150, "ml"),
    "Coffee": (150, "ml"),
    "Boiled egg": (2, "pieces"),
    "Omelette": (1, "pieces"),
    "Bread omelette": (1, "pieces"),
    "Samosa": (2, "pieces"),
    "Vada pav": (1, "pieces"),
    "Sandwich": (1, "pieces"),
    "Biscuits": (4, "pieces"),
    "Papad": (1, "pieces"),
    "Gulab jamun": (2, "pieces"),
    "Chutney": (40, "g"),
    "Curd": (100, "g"),
    "Raita": (100, "g"),
    "Dal": (120, "g"),
    "Dal tadka": (120, "g"),
    "Dal fry": (120, "g"),
    "Chicken curry": (120, "g"),
    "Veg biryani": (250, "g"),
    "Chicken biryani": (250, "g"),
    "Khichdi": (250, "g"),
}
FROZEN_DAYS = 56  # the meals the expected headcount learns from get their cutoff's snapshot


async def _bulk(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """Append many rows inside the session's transaction: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    table = model.__table__
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        if driver is None:
            raise RuntimeError("the PostgreSQL connection has no asyncpg driver to COPY with")
        await driver.copy_records_to_table(
            table.name, records=[tuple(row[c] for c in columns) for row in rows], columns=columns
        )
        return
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(table), rows[start : start + BATCH])


async def seed_demo(
    session: AsyncSession, *, residents: int, days: int, now: datetime, rng_seed: int = 7
) -> dict[str, int]:
    rng = random.Random(rng_seed)  # nosec B311 - reproducible demo data, not security
    tz = "Asia/Kolkata"
    today = local_today(now, tz)
    # History runs up to a week ahead, so the demo has upcoming meals to book and cancel.
    cal = Calendar(start=today - timedelta(days=days - 1), end=today + timedelta(days=7))
    mess = Mess(
        code=DEMO_CODE,
        name="Demo Hostel Mess",
        timezone=tz,
        currency="INR",
        booking_mode="opt_out",
        cutoff_minutes=720,
        min_rebate_days=3,
        max_guests=5,
        allow_walk_in=True,
        waste_target_grams=60,
        created_at=now,
    )
    session.add(mess)
    await session.flush()
    slot_rows = [
        Slot(mess_id=mess.id, code=c, name=n, serve_start=s, serve_end=e, cutoff_minutes=None, position=i)
        for i, (c, n, s, e) in enumerate(SLOTS)
    ]
    session.add_all(slot_rows)
    await session.flush()
    slots = [MealSlot(s.id, s.code, s.serve_start, s.serve_end) for s in slot_rows]
    price_change = cal.start + timedelta(days=days // 2)
    for slot in slot_rows:
        base = PRICES[slot.code]
        for effective_from, amount in ((cal.start - timedelta(days=400), base), (price_change, base * 105 // 100)):
            session.add(
                MealPrice(
                    mess_id=mess.id,
                    slot_id=slot.id,
                    price=amount,
                    guest_price=amount * 3 // 2,
                    walk_in_price=amount * 5 // 4,
                    effective_from=effective_from,
                    created_at=now,
                )
            )
    session.add(
        FixedCharge(mess_id=mess.id, amount=150000, effective_from=cal.start - timedelta(days=400), created_at=now)
    )
    for slot in slot_rows:
        for weekday, dishes in enumerate(MENU[slot.code]):
            for position, (dish, tag) in enumerate(dishes):
                portion, unit = PORTIONS.get(dish, (150, "g"))
                session.add(
                    MenuTemplateDish(
                        mess_id=mess.id,
                        weekday=weekday,
                        slot_id=slot.id,
                        dish=dish,
                        diet_tag=tag,
                        position=position,
                        portion=portion,
                        unit=unit,
                    )
                )
    items = [ExtraItem(mess_id=mess.id, name=n, price=p, is_active=True) for n, p in EXTRAS]
    session.add_all(items)
    for role in ("warden", "staff"):
        session.add(
            UserAccount(
                login=role,
                name=f"Demo {role}",
                role=role,
                mess_id=mess.id,
                password_hash=hash_password(DEMO_PASSWORDS[role]),
                created_at=now,
            )
        )
    await session.flush()

    # One hash for every demo resident: argon2 is slow by design, and they share the demo password.
    resident_hash = hash_password(DEMO_PASSWORDS["resident"])
    plans = plan_residents(rng, residents, cal)
    await _bulk(
        session,
        UserAccount,
        [
            {
                "login": p.roll_no,
                "name": f"Resident {p.roll_no}",
                "role": "resident",
                "mess_id": mess.id,
                "password_hash": resident_hash,
                "is_active": True,
                "created_at": now,
            }
            for p in plans
        ],
    )
    user_ids = dict(
        (await session.execute(select(UserAccount.login, UserAccount.id).where(UserAccount.role == "resident"))).all()
    )
    first_names = ["Aarav", "Diya", "Ishaan", "Ananya", "Kabir", "Meera", "Rohan", "Sara", "Vihaan", "Zoya", "Arjun"]
    last_names = ["Sharma", "Iyer", "Khan", "Das", "Patel", "Reddy", "Singh", "Nair", "Gupta", "Bose"]
    await _bulk(
        session,
        Resident,
        [
            {
                "mess_id": mess.id,
                "user_id": user_ids[p.roll_no],
                "roll_no": p.roll_no,
                "name": f"{rng.choice(first_names)} {rng.choice(last_names)}",
                "email": f"{p.roll_no.lower()}@demo.example.edu",
                "diet": p.diet,
                "active_from": p.active_from,
                "active_to": p.active_to,
                "created_at": now,
            }
            for p in plans
        ],
    )
    resident_ids = dict(
        (await session.execute(select(Resident.roll_no, Resident.id).where(Resident.mess_id == mess.id))).all()
    )

    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for plan in plans:
        resident_id = resident_ids[plan.roll_no]
        leaves = plan_leaves(rng, plan, cal, today)
        for start, end, status in leaves:
            rows["leave"].append(
                {
                    "mess_id": mess.id,
                    "resident_id": resident_id,
                    "start_date": start,
                    "end_date": end,
                    "reason": "Going home" if status != "pending" else "Family function",
                    "status": status,
                    "created_at": now - timedelta(days=max((today - start).days + 3, 1)),
                    "created_by": None,
                    "decided_at": None if status == "pending" else now - timedelta(days=max((today - start).days, 0)),
                    "decided_by": None,
                }
            )
        for table, values in meal_events(rng, plan, resident_id, leaves, slots, cal, today, tz, mess.id, now):
            if table == "extra":
                item = items[rng.randrange(len(items))]
                values.update(mess_id=mess.id, item_id=item.id, unit_price=item.price, created_at=now, created_by=None)
            rows[table].append(values)

    eaten_by_meal: dict[tuple[date, int], int] = defaultdict(int)
    for checkin in rows["checkin"]:
        eaten_by_meal[(checkin["meal_date"], checkin["slot_id"])] += 1
    for day in each_day(cal.start, today - timedelta(days=1)):
        # The kitchen learns: waste per plate falls by about a quarter over the history.
        learning = 1.15 - 0.3 * (day - cal.start).days / max(days, 1)
        for meal in slots:
            eaten = eaten_by_meal[(day, meal.id)]
            rows["wastage"].append(
                {
                    "mess_id": mess.id,
                    "waste_date": day,
                    "slot_id": meal.id,
                    "grams": max(0, int(eaten * rng.uniform(40, 90) * learning + rng.gauss(3000, 800))),
                    "note": "",
                    "created_at": now,
                    "created_by": None,
                }
            )
        for category, amount in (
            ("groceries", 12 * residents),
            ("vegetables", 9 * residents),
            ("dairy", 6 * residents),
        ):
            rows["expense"].append(_expense(mess.id, day, category, int(amount * 100 * rng.uniform(0.8, 1.2)), now))
        if day.weekday() == 0:
            rows["expense"].append(_expense(mess.id, day, "fuel", int(residents * 900 * rng.uniform(0.9, 1.1)), now))
        if day.day == 1:
            rows["expense"].append(_expense(mess.id, day, "wages", residents * 40000, now))

    for table, model in (
        ("leave", Leave),
        ("booking", Booking),
        ("checkin", CheckIn),
        ("feedback", Feedback),
        ("extra", ExtraPurchase),
        ("wastage", Wastage),
        ("expense", Expense),
    ):
        await _bulk(session, model, rows[table])
    # The headcount frozen at each cutoff, as the running app does: what the expected headcount learns from.
    frozen = 0
    for day in each_day(max(cal.start, today - timedelta(days=FROZEN_DAYS)), today + timedelta(days=1)):
        for slot in slot_rows:
            cutoff = cutoff_at(mess, slot, day)
            if cutoff <= now:
                frozen += int(await freeze_meal(session, mess, slot, day, cutoff))
    counts = {table: len(values) for table, values in rows.items()}
    counts["frozen_meals"] = frozen
    counts["residents"] = len(plans)
    counts["mess_id"] = mess.id
    return counts


def _expense(mess_id: int, day: date, category: str, amount: int, now: datetime) -> dict[str, Any]:
    return {
        "mess_id": mess_id,
        "expense_date": day,
        "category": category,
        "amount": amount,
        "note": "",
        "created_at": now,
        "created_by": None,
    }


async def _rebuild_rollups(database: Database, mess_id: int, days: int, now: datetime) -> None:
    today = local_today(now, "Asia/Kolkata")
    async with database.transaction() as session:
        await rebuild_rollups(session, mess_id, today - timedelta(days=days), today)


async def run_seed(*, residents: int, days: int, if_empty: bool) -> int:
    settings = get_settings()
    if settings.environment == "production":
        print("refusing to seed demo data in production", file=sys.stderr)
        return 2
    if residents < 1 or days < 1:
        print("--residents and --days must be at least 1", file=sys.stderr)
        return 2
    database = Database(settings, null_pool=True)
    try:
        async with database.read_only() as session:
            messes = (await session.execute(select(func.count()).select_from(Mess))).scalar_one()
            demo = (await session.execute(select(Mess.id).where(Mess.code == DEMO_CODE))).scalar_one_or_none()
        if demo is not None or (if_empty and messes):
            print("demo data is already there; nothing to do")
            return 0
        started = timer.perf_counter()
        now = get_clock().now()
        async with database.transaction() as session:
            counts = await seed_demo(session, residents=residents, days=days, now=now)
        await _rebuild_rollups(database, counts["mess_id"], days, now)
        elapsed = timer.perf_counter() - started
        summary = ", ".join(f"{v} {k}" for k, v in counts.items() if k != "mess_id")
        print(f"seeded mess {DEMO_CODE} in {elapsed:.1f} s: {summary}; rollups rebuilt")
        print(
            "demo sign-ins: warden / {warden}, staff / {staff}, residents R0001..R{n:04d} / {resident}".format(
                n=residents, **DEMO_PASSWORDS
            )
        )
        return 0
    finally:
        await database.dispose()
