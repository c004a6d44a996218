"""PRODUCT.md section 3, one worked example per rule, totals computed by hand in the comments.

Prices (from 2026-01-01): breakfast 3000 (guest 3500, walk-in 4000), lunch 5000 (6000, 7000),
snacks 1000 (1500, 2000), dinner 6000 (7000, 8000). A full day of meals is 15000.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from mess.billing import service
from mess.models import Bill, LedgerEntry
from tests.mess.billing.helpers import LATER, run_month
from tests.mess.billing.reference import reference_bills
from tests.mess.billing.scenario import Scenario

JAN = date(2026, 1, 1)


async def priced(world, *, booking_mode="opt_out", min_rebate_days=3, fixed: int | None = 310000) -> Scenario:
    s = await Scenario(world).mess(booking_mode=booking_mode, min_rebate_days=min_rebate_days)
    await s.price("breakfast", 3000, 3500, 4000, JAN)
    await s.price("lunch", 5000, 6000, 7000, JAN)
    await s.price("snacks", 1000, 1500, 2000, JAN)
    await s.price("dinner", 6000, 7000, 8000, JAN)
    if fixed is not None:
        await s.fixed(fixed, JAN)
    return s


async def billed(s: Scenario, month: str, *, reference: bool = True, **kwargs):
    report = await run_month(s.database, s.mess_id, month, **kwargs)
    assert report.status == "succeeded", report
    bills = await s.bills(month)
    if reference:
        # Every worked example is also checked against the plain-Python reference implementation.
        expected = reference_bills(s.inputs, month)
        assert {r: total for r, (_, total, _) in bills.items()} == {r: b.total for r, b in expected.items()}
    return bills


async def test_residency_starting_and_ending_mid_month(world, database):
    s = await priced(world)
    resident = await s.resident(active_from=date(2026, 3, 10), active_to=date(2026, 3, 20))
    await s.book(resident, date(2026, 3, 25), "lunch")  # after the residency: never charged
    bills = await billed(s, "2026-03")
    status, total, lines = bills[resident]
    # 11 days: 11 x 15000 = 165000 of meals; fixed 11 x 310000 / 31 = 110000 exactly.
    assert lines == [
        ("meal", "Breakfast", 11, 3000, 33000),
        ("meal", "Lunch", 11, 5000, 55000),
        ("meal", "Snacks", 11, 1000, 11000),
        ("meal", "Dinner", 11, 6000, 66000),
        ("fixed", "Fixed charge: 11 of 31 days at 310000 a month", 11, 310000, 110000),
    ]
    assert (status, total) == ("draft", 275000)


async def test_price_change_mid_month_gives_two_lines(world, database):
    s = await priced(world)
    await s.price("lunch", 5500, 6500, 7500, date(2026, 3, 16))
    resident = await s.resident()
    bills = await billed(s, "2026-03")
    _, total, lines = bills[resident]
    assert ("meal", "Lunch", 15, 5000, 75000) in lines  # 1..15 March
    assert ("meal", "Lunch", 16, 5500, 88000) in lines  # 16..31 March
    # 93000 + 75000 + 88000 + 31000 + 186000 + fixed 310000
    assert total == 783000


async def test_fixed_charge_with_qualifying_and_non_qualifying_leave(world, database):
    s = await priced(world, fixed=300000, min_rebate_days=3)
    resident = await s.resident()
    await s.leave(resident, date(2026, 3, 5), date(2026, 3, 7))  # 3 days: qualifies for the fixed-charge rebate
    await s.leave(resident, date(2026, 3, 20), date(2026, 3, 21))  # 2 days: meals off, fixed charge stays
    await s.leave(resident, date(2026, 3, 25), date(2026, 3, 28), status="pending")  # changes nothing
    bills = await billed(s, "2026-03")
    _, total, lines = bills[resident]
    # Meals: 31 - 5 leave days = 26 days x 15000 = 390000.
    # Fixed: charged days 31 - 3 = 28; 28 x 300000 / 31 = 270967.74 -> 270968.
    assert ("fixed", "Fixed charge: 28 of 31 days at 300000 a month", 28, 300000, 270968) in lines
    assert ("meal", "Dinner", 26, 6000, 156000) in lines
    assert total == 390000 + 270968


async def test_leave_spanning_two_months_counts_its_whole_length(world, database):
    s = await priced(world, fixed=300000, min_rebate_days=3)
    resident = await s.resident()
    await s.leave(resident, date(2026, 2, 27), date(2026, 3, 2))  # 4 days in all, only 2 in each month
    march = await billed(s, "2026-03")
    # March: 29 days of meals = 435000; fixed 29 x 300000 / 31 = 280645.16 -> 280645.
    assert march[resident][1] == 435000 + 280645
    february = await billed(s, "2026-02")
    # February (28 days): 26 days of meals = 390000; fixed 26 x 300000 / 28 = 278571.43 -> 278571.
    assert february[resident][1] == 390000 + 278571


async def test_opt_in_guests_and_half_up_rounding(world, database):
    s = await priced(world, booking_mode="opt_in", fixed=300001)
    resident = await s.resident(active_to=date(2026, 2, 14))
    await s.book(resident, date(2026, 2, 3), "lunch", guests=2)
    await s.book(resident, date(2026, 2, 4), "dinner")
    await s.book(resident, date(2026, 2, 5), "breakfast")
    await s.cancel(resident, date(2026, 2, 5), "breakfast")  # booked then cancelled: nothing
    bills = await billed(s, "2026-02")
    _, total, lines = bills[resident]
    # Fixed: 14 x 300001 / 28 = 150000.5 -> 150001 (half up; half-even would give 150000).
    assert lines == [
        ("meal", "Lunch", 1, 5000, 5000),
        ("meal", "Dinner", 1, 6000, 6000),
        ("guest", "Lunch guests", 2, 6000, 12000),
        ("fixed", "Fixed charge: 14 of 28 days at 300001 a month", 14, 300001, 150001),
    ]
    assert total == 173001


async def test_guests_walk_ins_extras_and_adjustments(world, database):
    s = await priced(world)
    resident = await s.resident()
    await s.book(resident, date(2026, 3, 3), "lunch", guests=2)
    await s.book(resident, date(2026, 3, 4), "lunch", guests=1)
    await s.cancel(resident, date(2026, 3, 5), "dinner")
    await s.walk_in(resident, date(2026, 3, 5), "dinner")  # accepted walk-in: 8000
    await s.refused_walk_in(resident, date(2026, 3, 6), "dinner")  # refused: nothing
    await s.checkin(resident, date(2026, 3, 7), "lunch")  # a normal check-in is not a charge
    await s.item("Egg", 1200)
    await s.item("Milk", 2500)
    await s.sell_extra(resident, date(2026, 3, 2), "Egg", 2, 1200)
    await s.sell_extra(resident, date(2026, 3, 9), "Egg", 1, 1200)
    await s.sell_extra(resident, date(2026, 3, 9), "Milk", 1, 2500)
    await s.sell_extra(resident, date(2026, 3, 19), "Milk", 1, 3000)  # sold at a new price: its own line
    await s.sell_extra(resident, date(2026, 4, 1), "Milk", 1, 3000)  # April: not on the March bill
    await s.adjust(resident, date(2026, 3, 10), -5000, "refund: cold food")
    await s.adjust(resident, date(2026, 3, 11), 2000, "broken plate")
    await s.adjust(resident, date(2026, 4, 1), 9999, "April")
    bills = await billed(s, "2026-03")
    _, total, lines = bills[resident]
    assert ("guest", "Lunch guests", 3, 6000, 18000) in lines
    assert ("meal", "Dinner", 30, 6000, 180000) in lines
    assert ("walk_in", "Dinner walk-ins", 1, 8000, 8000) in lines
    assert ("extra", "Egg", 3, 1200, 3600) in lines
    assert ("extra", "Milk", 1, 2500, 2500) in lines
    assert ("extra", "Milk", 1, 3000, 3000) in lines
    assert ("adjustment", "refund: cold food", 1, -5000, -5000) in lines
    assert ("adjustment", "broken plate", 1, 2000, 2000) in lines
    # meals 465000 - 6000 + guests 18000 + walk-in 8000 + extras 9100 - 3000 adjustments + fixed 310000
    assert total == 801100
    assert total == sum(line[4] for line in lines)


async def test_run_twice_and_in_batches_gives_identical_bills(world, database):
    s = await priced(world)
    residents = [await s.resident() for _ in range(5)]
    await s.leave(residents[1], date(2026, 3, 1), date(2026, 3, 10))
    await s.book(residents[2], date(2026, 3, 2), "dinner", guests=3)
    first = await billed(s, "2026-03")
    again = await billed(s, "2026-03")
    batched = await billed(s, "2026-03", batch_size=2)
    assert first == again == batched
    async with database.read_only() as session:
        count = (
            await session.execute(select(func.count()).select_from(Bill).where(Bill.mess_id == s.mess_id))
        ).scalar()
    assert count == 5


async def test_issued_month_is_never_changed_and_corrections_go_to_the_next_bill(world, database):
    s = await priced(world)
    resident = await s.resident()
    other = await s.resident()
    await billed(s, "2026-03")
    async with database.transaction() as session:
        from mess.auth.actor import Actor

        warden = Actor(s.warden_id, "warden", s.mess_id, "w", "Warden")
        issued = await service.issue_month(session, warden, "2026-03", LATER, None)
    assert issued["bill_count"] == 2 and issued["amount"] == 2 * 775000
    # A leave approved after the issue: 25..31 March (7 days, qualifies).
    leave = await s.leave(resident, date(2026, 3, 25), date(2026, 3, 31), status="pending")
    await s.approve(leave)
    report = await run_month(database, s.mess_id, "2026-03")
    assert (report.status, report.outcome) == ("succeeded", "already_issued")
    march = await s.bills("2026-03")
    assert march[resident] == ("issued", 775000, march[resident][2])  # untouched
    april = await billed(s, "2026-04", reference=False)
    # March recomputed: 24 days of meals 360000 + fixed 24 x 310000 / 31 = 240000 -> 600000; issued 775000.
    correction = ("correction", "Correction to the 2026-03 bill (recomputed after it was issued)", 1, -175000, -175000)
    assert correction in april[resident][2]
    # April (30 days): 450000 of meals + 310000 fixed - 175000.
    assert april[resident][1] == 585000
    assert april[other][1] == 760000 and not any(line[0] == "correction" for line in april[other][2])
    assert april == await billed(s, "2026-04", reference=False)  # idempotent, the correction is not doubled
    async with database.read_only() as session:
        ledger = (
            await session.execute(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.resident_id == resident))
        ).scalar()
    assert ledger == 775000
