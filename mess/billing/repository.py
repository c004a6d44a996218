"""Billing's reads and writes: locking a month, writing its bills from the lines of lines.py (staged once per
batch of residents), issuing them, and the runs and bills as the service reads them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from mess.billing.lines import LINE_COLUMNS, MonthScope, in_slice
from mess.bookings.repository import effective_bookings
from mess.db.days import day_table
from mess.kit.dates import month_bounds, previous_month
from mess.models import (
    Adjustment,
    Bill,
    BillingRun,
    BillLine,
    CheckIn,
    ExtraPurchase,
    LedgerEntry,
    MealPrice,
    Resident,
    Slot,
)


async def lock_month(session: AsyncSession, mess_id: int, month: str) -> None:
    """Serialise every writer of one (mess, month): a transaction-scoped advisory lock on PostgreSQL. On SQLite
    the caller's first statement is a write, which takes the database write lock for the whole transaction."""
    if session.get_bind().dialect.name == "postgresql":
        year, mon = (int(part) for part in month.split("-"))
        key = (0xB1 << 48) + mess_id * (1 << 20) + year * 100 + mon
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def month_is_issued(session: AsyncSession, mess_id: int, month: str) -> bool:
    query = select(exists().where(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "issued"))
    return bool((await session.execute(query)).scalar())


async def resident_id_slices(session: AsyncSession, mess_id: int, batch_size: int) -> list[tuple[int, int, int]]:
    """Id ranges (first, last, size) of the mess's residents, batch_size each (bounds only; the work stays in SQL)."""
    query = select(Resident.id).where(Resident.mess_id == mess_id).order_by(Resident.id)
    ids = list((await session.execute(query)).scalars())
    return [
        (ids[i], ids[min(i + batch_size, len(ids)) - 1], min(batch_size, len(ids) - i))
        for i in range(0, len(ids), batch_size)
    ]


async def delete_drafts(session: AsyncSession, mess_id: int, month: str) -> None:
    drafts = select(Bill.id).where(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "draft")
    await session.execute(delete(BillLine).where(BillLine.bill_id.in_(drafts)))
    await session.execute(delete(Bill).where(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "draft"))


# The batch's lines are computed ONCE into this scratch table (temporary: private to the connection, no WAL, no
# constraints), which then gives both the bills with their totals and the bill lines. Writing the lines first and
# then updating every bill's total costs a second version of each bill, and on PostgreSQL the update of a row
# inserted in the same transaction re-runs the bill's foreign-key checks.
STAGED_LINE = Table(
    "billing_staged_line",
    MetaData(),
    Column("resident_id", Integer, nullable=False),
    Column("kind", String(16)),
    Column("description", String(200)),
    Column("slot_id", Integer),
    Column("item_id", Integer),
    Column("quantity", Integer),
    Column("unit_price", Integer),
    Column("amount", Integer),
    Column("position", Integer),
    prefixes=["TEMPORARY"],
)


async def open_staging(session: AsyncSession) -> None:
    """Create the scratch table in the caller's transaction (a rollback removes it again)."""
    connection = await session.connection()
    await connection.run_sync(STAGED_LINE.create, checkfirst=True)
    await session.execute(delete(STAGED_LINE))


async def close_staging(session: AsyncSession) -> None:
    connection = await session.connection()
    await connection.run_sync(STAGED_LINE.drop, checkfirst=True)


async def stage_lines(session: AsyncSession, lines: Select[Any]) -> None:
    """Compute lines into the scratch table. PostgreSQL switches a prepared statement to a generic plan after five
    runs, and for this one (dates and id ranges as parameters) the generic plan is slower: plan each batch for its
    values. Only here: the setting also applies to the foreign-key checks of the INSERTs into bill and bill_line,
    and re-planned for every written row they doubled the cost of writing the lines (the scratch table has none)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    line = lines.subquery("line")
    columns = ["resident_id", *LINE_COLUMNS]
    if postgres:
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    await session.execute(insert(STAGED_LINE).from_select(columns, select(*(line.c[name] for name in columns))))
    if postgres:
        await session.execute(text("SET LOCAL plan_cache_mode TO DEFAULT"))


async def insert_bills(
    session: AsyncSession, scope: MonthScope, run_id: int | None, now: datetime, with_previous: bool
) -> None:
    """One draft bill per resident of the slice who lived in the mess during the month or has a charge dated in it
    (and, when the previous month is issued, everyone it may correct), with the total of their staged lines; but
    none for who was not a resident in the month and has no line (only the previous month made them a candidate).
    """
    start, end = scope.start, scope.end
    first = month_bounds(previous_month(scope.month))[0] if with_previous else start
    lived = and_(Resident.active_from <= end, or_(Resident.active_to.is_(None), Resident.active_to >= first))
    resident_then = and_(Resident.active_from <= end, or_(Resident.active_to.is_(None), Resident.active_to >= start))
    dated = or_(
        exists().where(
            ExtraPurchase.resident_id == Resident.id,
            ExtraPurchase.purchase_date >= start,
            ExtraPurchase.purchase_date <= end,
            ExtraPurchase.voided_at.is_(None),
        ),
        exists().where(
            Adjustment.resident_id == Resident.id,
            Adjustment.adjustment_date >= start,
            Adjustment.adjustment_date <= end,
        ),
        exists().where(
            CheckIn.resident_id == Resident.id,
            CheckIn.walk_in == true(),
            CheckIn.admitted == true(),
            CheckIn.meal_date >= start,
            CheckIn.meal_date <= end,
        ),
    )
    staged = (
        select(STAGED_LINE.c.resident_id, func.sum(STAGED_LINE.c.amount).label("total"))
        .group_by(STAGED_LINE.c.resident_id)
        .subquery("staged")
    )
    residents = (
        select(
            literal(scope.mess_id, Integer),
            Resident.id,
            literal(scope.month, String),
            literal("draft", String),
            func.coalesce(staged.c.total, 0),
            literal(run_id, Integer),
            literal(now, Bill.created_at.type),
        )
        .select_from(Resident)
        .outerjoin(staged, staged.c.resident_id == Resident.id)
        .where(
            Resident.mess_id == scope.mess_id,
            in_slice(scope, Resident.id),
            or_(lived, dated),
            or_(resident_then, staged.c.resident_id.is_not(None)),
        )
    )
    columns = ["mess_id", "resident_id", "month", "status", "total", "run_id", "created_at"]
    await session.execute(insert(Bill).from_select(columns, residents))


async def insert_lines(session: AsyncSession, scope: MonthScope) -> None:
    """The staged lines onto the slice's draft bills (a staged line without a bill is no one's to pay); then the
    scratch table is emptied for the next batch."""
    line = STAGED_LINE
    query = (
        select(Bill.id, *(line.c[name] for name in LINE_COLUMNS))
        .select_from(line)
        .join(Bill, and_(Bill.resident_id == line.c.resident_id, Bill.month == scope.month, Bill.status == "draft"))
        .where(Bill.mess_id == scope.mess_id, in_slice(scope, Bill.resident_id))
    )
    await session.execute(insert(BillLine).from_select(["bill_id", *LINE_COLUMNS], query))
    await session.execute(delete(STAGED_LINE))


async def month_summary(session: AsyncSession, mess_id: int, month: str) -> tuple[int, int]:
    query = select(func.count(), func.coalesce(func.sum(Bill.total), 0)).where(
        Bill.mess_id == mess_id, Bill.month == month
    )
    count, amount = (await session.execute(query)).one()
    return int(count), int(amount)


async def issue_month(
    session: AsyncSession,
    mess_id: int,
    month: str,
    entry_date: date,
    now: datetime,
    actor_id: int | None,
    due_date: date | None = None,
) -> int:
    """Lock the month's draft bills and post each to its resident's ledger (one entry per bill, unique bill_id)."""
    drafts = and_(Bill.mess_id == mess_id, Bill.month == month, Bill.status == "draft")
    entries = select(
        Bill.mess_id,
        Bill.resident_id,
        literal(entry_date, Date),
        literal("bill", String),
        Bill.total,
        Bill.id,
        literal(f"bill {month}", String),
        literal(now, LedgerEntry.created_at.type),
        literal(actor_id, Integer),
    ).where(drafts)
    columns = [
        "mess_id",
        "resident_id",
        "entry_date",
        "kind",
        "amount",
        "bill_id",
        "reference",
        "created_at",
        "created_by",
    ]
    await session.execute(insert(LedgerEntry).from_select(columns, entries))
    result = await session.execute(update(Bill).where(drafts).values(status="issued", issued_at=now, due_date=due_date))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- runs ------------------------------------------------------------------------------------------------


async def get_run(session: AsyncSession, run_id: int) -> BillingRun | None:
    return await session.get(BillingRun, run_id)


async def list_runs(session: AsyncSession, mess_id: int, month: str | None) -> list[BillingRun]:
    query = select(BillingRun).where(BillingRun.mess_id == mess_id)
    if month:
        query = query.where(BillingRun.month == month)
    return list((await session.execute(query.order_by(BillingRun.id.desc()).limit(200))).scalars())


async def set_run(session: AsyncSession, run_id: int, **values: Any) -> None:
    await session.execute(update(BillingRun).where(BillingRun.id == run_id).values(**values))


async def succeeded_month(session: AsyncSession, mess_id: int) -> str | None:
    query = select(func.max(BillingRun.month)).where(BillingRun.mess_id == mess_id, BillingRun.status == "succeeded")
    return (await session.execute(query)).scalar()


# --- reading bills ---------------------------------------------------------------------------------------


async def list_bills(session: AsyncSession, mess_id: int, month: str, resident_id: int | None) -> list[Bill]:
    query = select(Bill).where(Bill.mess_id == mess_id, Bill.month == month)
    if resident_id is not None:
        query = query.where(Bill.resident_id == resident_id)
    return list((await session.execute(query.order_by(Bill.resident_id))).scalars())


async def get_bill(session: AsyncSession, bill_id: int) -> Bill | None:
    return await session.get(Bill, bill_id)


async def lines_of(session: AsyncSession, bill_ids: list[int]) -> list[BillLine]:
    if not bill_ids:
        return []
    query = (
        select(BillLine)
        .where(BillLine.bill_id.in_(bill_ids))
        .order_by(BillLine.bill_id, BillLine.position, BillLine.unit_price, BillLine.id)
    )
    return list((await session.execute(query)).scalars())


async def export_rows(session: AsyncSession, mess_id: int, month: str) -> list[Any]:
    """One row per bill line, with the bill and the resident (the CSV export)."""
    query = (
        select(
            Bill.id.label("bill_id"),
            Bill.month,
            Bill.status,
            Resident.roll_no,
            Resident.name,
            BillLine.kind,
            BillLine.description,
            BillLine.quantity,
            BillLine.unit_price,
            BillLine.amount,
            Bill.total,
        )
        .select_from(Bill)
        .join(Resident, Resident.id == Bill.resident_id)
        .outerjoin(BillLine, BillLine.bill_id == Bill.id)
        .where(Bill.mess_id == mess_id, Bill.month == month)
        .order_by(Resident.roll_no, BillLine.position, BillLine.unit_price, BillLine.id)
    )
    return list((await session.execute(query)).all())


def no_price_days(scope: MonthScope) -> Select[Any]:
    """Days of the month a slot has no price in force, with a booked meal or walk-in that would need one."""
    day = day_table(scope.start, scope.end, "price_check_days")
    has_price = exists().where(MealPrice.slot_id == Slot.id, MealPrice.effective_from <= day.c.day)
    return (
        select(day.c.day, Slot.code)
        .select_from(day)
        .join(Slot, Slot.mess_id == scope.mess_id)
        .where(~has_price)
        .order_by(day.c.day, Slot.position)
    )


async def booked_meals_on(session: AsyncSession, scope: MonthScope, day: date, slot_code: str) -> bool:
    booking = effective_bookings(scope.mess_id, scope.default_booked, day, day).order_by(None).subquery("effective")
    meals = select(exists().where(booking.c.slot == slot_code, booking.c.booked == true()))
    if bool((await session.execute(meals)).scalar()):
        return True
    walk_ins = select(
        exists().where(
            CheckIn.mess_id == scope.mess_id,
            CheckIn.meal_date == day,
            CheckIn.walk_in == true(),
            CheckIn.admitted == true(),
            CheckIn.slot_id
            == select(Slot.id).where(Slot.mess_id == scope.mess_id, Slot.code == slot_code).scalar_subquery(),
        )
    )
    return bool((await session.execute(walk_ins)).scalar())


async def due_dates(session: AsyncSession, mess_id: int, month: str) -> dict[int, date | None]:
    query = select(Bill.id, Bill.due_date).where(Bill.mess_id == mess_id, Bill.month == month)
    return {int(bill_id): due for bill_id, due in (await session.execute(query)).all()}
