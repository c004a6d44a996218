"""The small world the browser journeys run against: World (tests/factories.py) and the services, as the app does.

Dates are relative to today in the mess's time zone, because the served app uses the system clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mess.billing import service as billing
from mess.billing.runner import execute_run
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.clock import FixedClock
from mess.kit.dates import month_of, previous_month
from mess.leaves.schemas import LeaveIn
from mess.leaves.service import apply_for_leave
from mess.menus.schemas import Dish, DishesIn
from mess.menus.service import set_template
from mess.messes.schemas import SlotIn
from mess.pricing.schemas import PriceIn
from mess.pricing.service import create_price
from tests.factories import World

TZ = "Asia/Kolkata"
OFFLINE = ("E2E-OFF-ONE", "E2E-OFF-TWO", "E2E-OFF-BOTH", "E2E-OFF-SHARED", "E2E-OFF-CLOCK")


@dataclass
class Fixture:
    today: date
    booker: str  # books and cancels
    leaver: str  # has a pending leave the warden approves
    eater: str  # checked in at the counter
    warden: str
    staff: str
    leave_id: int
    leave_start: date
    billing_month: str
    issued_month: str
    database_url: str = ""  # the served app's database, for tests that check what it stored
    offline: tuple[str, ...] = ()  # checked in only by the offline counter's tests, one each


MEALS = (("breakfast", "Breakfast", time(7, 30), time(9, 30)), ("lunch", "Lunch", time(12, 30), time(14, 30)))
MEALS += (("dinner", "Dinner", time(19, 30), time(21, 30)),)


def _counter_window(now_local: datetime) -> tuple[time, time]:
    """A serving window that contains now (without crossing midnight), so check-in is possible right away, and that
    starts before any of the fixed meals open now: the counter takes the first open meal by start time, and a fixed
    meal that closes during the run (14:30, ...) would otherwise leave the counter on a closed meal."""
    midnight = datetime.combine(now_local.date(), time(0, 0))
    start = max(midnight, now_local.replace(tzinfo=None) - timedelta(hours=1))
    for _, _, opens, closes in MEALS:
        if opens <= now_local.time() < closes:
            start = max(midnight, min(start, datetime.combine(now_local.date(), opens) - timedelta(minutes=1)))
    return start.time().replace(second=0, microsecond=0), time(23, 59, 59)


async def build(settings: Settings) -> Fixture:
    database = Database(settings, null_pool=True)
    now = datetime.now(UTC)
    now_local = now.astimezone(ZoneInfo(TZ))
    today = now_local.date()
    counter_start, counter_end = _counter_window(now_local)
    slots = [
        *(SlotIn(code=code, name=name, serve_start=opens, serve_end=closes) for code, name, opens, closes in MEALS),
        SlotIn(code="counter", name="Counter meal", serve_start=counter_start, serve_end=counter_end),
    ]
    year_ago = today - timedelta(days=400)
    world = World(database, settings, FixedClock(now))
    try:
        mess = await world.mess(
            "E2E", slots, name="E2E Hostel Mess", timezone=TZ, upi_vpa="e2ehostel@sbi", payee_name="E2E Hostel Mess"
        )
        warden = (await world.user("warden", mess.id, login="warden-e2e", name="Warden E2E")).actor
        await world.user("staff", mess.id, login="staff-e2e", name="Staff E2E")
        people = {
            roll: await world.resident(
                mess.id, roll_no=roll, name=f"Resident {roll.split('-', 1)[1].title()}", active_from=year_ago
            )
            for roll in ("E2E-BOOK", "E2E-LEAVE", "E2E-EAT")
        }
        for roll in OFFLINE:  # from today: in no bill the journeys count
            await world.resident(
                mess.id, roll_no=roll, name=f"Resident {roll.split('-', 1)[1].title()}", active_from=today
            )
        async with database.transaction() as session:
            for slot in slots:
                await create_price(
                    session,
                    warden,
                    PriceIn(slot=slot.code, price=4500, guest_price=6000, walk_in_price=7000, effective_from=year_ago),
                    now,
                )
            for weekday in range(7):
                await set_template(
                    session,
                    warden,
                    weekday,
                    "lunch",
                    DishesIn(
                        dishes=[Dish(dish="Dal tadka"), Dish(dish="Jeera rice"), Dish(dish="Egg curry", diet_tag="egg")]
                    ),
                    now,
                )
            leave_start = today + timedelta(days=3)
            leave = await apply_for_leave(
                session,
                warden,
                LeaveIn(
                    start_date=leave_start,
                    end_date=leave_start + timedelta(days=1),
                    reason="sister's wedding",
                    resident_id=people["E2E-LEAVE"].resident_id,
                ),
                now,
            )
        # An earlier month already billed and issued, so residents have a bill to open and print.
        issued_month = previous_month(previous_month(month_of(today)))
        async with database.transaction() as session:
            run = await billing.request_run(session, warden, issued_month, now, None)
        report = await execute_run(database, run.id, lambda: datetime.now(UTC))
        assert report.status == "succeeded", report
        async with database.transaction() as session:
            await billing.issue_month(session, warden, issued_month, now, None)
    finally:
        await database.dispose()
    return Fixture(
        today=today,
        booker="E2E-BOOK",
        leaver="E2E-LEAVE",
        eater="E2E-EAT",
        warden="warden-e2e",
        staff="staff-e2e",
        leave_id=leave.id,
        leave_start=leave_start,
        billing_month=previous_month(month_of(today)),
        issued_month=issued_month,
        database_url=settings.database_url,
        offline=OFFLINE,
    )
