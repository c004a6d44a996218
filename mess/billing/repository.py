"""All billing SQL. PRODUCT.md section 3 lives here once, as set-based statements (INSERT ... SELECT) that run
on PostgreSQL and SQLite: no loop over residents or meals in Python.

The month's bills are built in a few statements per batch of residents: its lines (and corrections) computed once
into a temporary table, then the bills with their totals, then the bill lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select

from mess.bookings.repository import effective_bookings
from mess.errors import ErrorCode, NotFound
from mess.kit.dates import each_day, month_bounds, previous_month
from mess.models import (
    Adjustment,
    Bill,
    BillingRun,
    BillLine,
    CheckIn,
    ExtraItem,
    ExtraPurchase,
    FixedCharge,
    Leave,
    LedgerEntry,
    MealPrice,
    Mess,
    Resident,
    Slot,
)

# Line kinds in the order a bill prints them (position = rank * 1000 + slot position).
KIND_RANK = {"meal": 1, "guest": 2, "walk_in": 3, "extra": 4, "fixed": 5, "adjustment": 6, "correction": 7}
LINE_COLUMNS = ["kind", "description", "slot_id", "item_id", "quantity", "unit_price", "amount", "position"]


@dataclass(frozen=True)
class MonthScope:
    """What one billing statement needs to know: the mess's policy, the month, and a slice of residents."""

    mess_id: int
    month: str
    default_booked: bool
    min_rebate_days: int
    first_id: int
    last_id: int

    @property
    def start(self) -> date:
        return month_bounds(self.month)[0]

    @property
    def end(self) -> date:
        return month_bounds(self.month)[1]

    @property
    def days_in_month(self) -> int:
        return (self.end - self.start).days + 1

    def for_month(self, month: str) -> MonthScope:
        return MonthScope(self.mess_id, month, self.default_booked, self.min_rebate_days, self.first_id, self.last_id)


def _days(start: date, end: date, name: str) -> Any:
    """The days start..end as a derived table of one column `day` (portable: a UNION ALL of literals)."""
    days = [select(literal(day, Date).label("day")) for day in each_day(start, end)]
    return (days[0] if len(days) == 1 else union_all(*days)).subquery(name)


def _half_up(numerator: Any, denominator: int) -> Any:
    """round_half_up(numerator / denominator) for numerator >= 0, in integer arithmetic on both backends."""
    return (numerator * 2 + denominator) // (2 * denominator)


def _leave_length(dialect: str) -> Any:
    """A leave's whole length in days (start..end inclusive), also the part outside the month."""
    if dialect == "postgresql":
        return Leave.end_date - Leave.start_date + 1
    return cast(func.julianday(Leave.end_date) - func.julianday(Leave.start_date), Integer) + 1


def _in_slice(scope: MonthScope, column: Any) -> ColumnElement[bool]:
    return and_(column >= scope.first_id, column <= scope.last_id)


def _resident_in_mess(scope: MonthScope, resident_id: Any) -> Any:
    return exists().where(Resident.id == resident_id, Resident.mess_id == scope.mess_id)


def price_periods(scope: MonthScope, name: str = "price_period") -> Any:
    """The mess's price rows that can be in force during the month, each with the day it stops (`until`, the next
    row's effective_from; NULL when none follows in the month): in force on d = the row with since <= d < until,
    i.e. the latest effective_from <= d (unique per slot). A handful of rows, joined to meals by slot and range,
    where a per-day table (prices_in_force) makes the planner think the month's meals are a few rows."""
    until = func.lead(MealPrice.effective_from).over(partition_by=MealPrice.slot_id, order_by=MealPrice.effective_from)
    return (
        select(
            MealPrice.slot_id.label("slot_id"),
            MealPrice.effective_from.label("since"),
            until.label("until"),
            MealPrice.price.label("price"),
            MealPrice.guest_price.label("guest_price"),
            MealPrice.walk_in_price.label("walk_in_price"),
        )
        .join(Slot, and_(Slot.id == MealPrice.slot_id, Slot.mess_id == scope.mess_id))
        .where(MealPrice.effective_from <= scope.end)
        .subquery(name)
    )


def _in_force(period: Any, slot_id: Any, day: Any) -> ColumnElement[bool]:
    return and_(period.c.slot_id == slot_id, period.c.since <= day, or_(period.c.until.is_(None), period.c.until > day))


def prices_in_force(mess_id: int, start: date, end: date, name: str = "meal_price_day") -> Any:
    """Per (day, slot) of start..end: the price row in force (the latest effective_from <= day)."""
    day = _days(start, end, f"{name}_days")
    in_force = (
        select(func.max(MealPrice.effective_from))
        .where(MealPrice.slot_id == Slot.id, MealPrice.effective_from <= day.c.day)
        .correlate_except(MealPrice)
        .scalar_subquery()
    )
    return (
        select(
            day.c.day.label("day"),
            Slot.id.label("slot_id"),
            MealPrice.price.label("price"),
            MealPrice.guest_price.label("guest_price"),
            MealPrice.walk_in_price.label("walk_in_price"),
        )
        .select_from(day)
        .join(Slot, Slot.mess_id == mess_id)
        .join(MealPrice, MealPrice.slot_id == Slot.id)
        .where(MealPrice.effective_from == in_force)
        .subquery(name)
    )


def _meal_groups(scope: MonthScope, price: Any) -> Any:
    """Booked meals per (resident, slot, price, guest price): count and guests, by the one rule of
    mess.bookings.repository.effective_bookings (not resident -> approved leave -> explicit -> default)."""
    booking = (
        effective_bookings(
            scope.mess_id,
            scope.default_booked,
            scope.start,
            scope.end,
            id_range=(scope.first_id, scope.last_id),
            as_sets=True,
        )
        .order_by(None)
        .subquery("effective")
    )
    return (
        select(
            booking.c.resident_id,
            booking.c.slot_id,
            price.c.price,
            price.c.guest_price,
            func.count().label("meals"),
            func.sum(booking.c.guests).label("guests"),
        )
        .select_from(booking)
        .join(price, _in_force(price, booking.c.slot_id, booking.c.meal_date))
        .where(booking.c.booked == true())
        .group_by(booking.c.resident_id, booking.c.slot_id, price.c.price, price.c.guest_price)
        .cte("meal_group")
    )


def _line(
    resident_id: Any,
    kind: str,
    description: Any,
    quantity: Any,
    unit_price: Any,
    amount: Any,
    *,
    slot_id: Any = None,
    item_id: Any = None,
    position: Any = 0,
) -> list[Any]:
    return [
        resident_id.label("resident_id"),
        literal(kind, String).label("kind"),
        description.label("description"),
        (slot_id if slot_id is not None else literal(None, Integer)).label("slot_id"),
        (item_id if item_id is not None else literal(None, Integer)).label("item_id"),
        quantity.label("quantity"),
        unit_price.label("unit_price"),
        amount.label("amount"),
        (literal(KIND_RANK[kind] * 1000, Integer) + position).label("position"),
    ]


def own_lines(scope: MonthScope, dialect: str) -> Select[Any]:
    """Every line of section 3 (rules 1-6) for the residents of the slice, one row per line."""
    start, end = scope.start, scope.end
    groups = _meal_groups(scope, price_periods(scope))

    meals = (
        select(
            *_line(
                groups.c.resident_id,
                "meal",
                Slot.name,
                func.sum(groups.c.meals),
                groups.c.price,
                func.sum(groups.c.meals) * groups.c.price,
                slot_id=groups.c.slot_id,
                position=Slot.position,
            )
        )
        .select_from(groups)
        .join(Slot, Slot.id == groups.c.slot_id)
        .group_by(groups.c.resident_id, groups.c.slot_id, Slot.name, Slot.position, groups.c.price)
    )
    guests = (
        select(
            *_line(
                groups.c.resident_id,
                "guest",
                Slot.name + literal(" guests", String),
                func.sum(groups.c.guests),
                groups.c.guest_price,
                func.sum(groups.c.guests) * groups.c.guest_price,
                slot_id=groups.c.slot_id,
                position=Slot.position,
            )
        )
        .select_from(groups)
        .join(Slot, Slot.id == groups.c.slot_id)
        .group_by(groups.c.resident_id, groups.c.slot_id, Slot.name, Slot.position, groups.c.guest_price)
        .having(func.sum(groups.c.guests) > 0)
    )

    walk_price = price_periods(scope, "walk_in_price")
    walk_ins = (
        select(
            *_line(
                CheckIn.resident_id,
                "walk_in",
                Slot.name + literal(" walk-ins", String),
                func.count(),
                walk_price.c.walk_in_price,
                func.count() * walk_price.c.walk_in_price,
                slot_id=CheckIn.slot_id,
                position=Slot.position,
            )
        )
        .select_from(CheckIn)
        .join(Slot, Slot.id == CheckIn.slot_id)
        .join(walk_price, _in_force(walk_price, CheckIn.slot_id, CheckIn.meal_date))
        .where(
            CheckIn.admitted == true(),
            CheckIn.walk_in == true(),
            CheckIn.meal_date >= start,
            CheckIn.meal_date <= end,
            _in_slice(scope, CheckIn.resident_id),
            _resident_in_mess(scope, CheckIn.resident_id),
        )
        .group_by(CheckIn.resident_id, CheckIn.slot_id, Slot.name, Slot.position, walk_price.c.walk_in_price)
    )

    extras = (
        select(
            *_line(
                ExtraPurchase.resident_id,
                "extra",
                ExtraItem.name,
                func.sum(ExtraPurchase.quantity),
                ExtraPurchase.unit_price,
                func.sum(ExtraPurchase.quantity * ExtraPurchase.unit_price),
                item_id=ExtraPurchase.item_id,
            )
        )
        .select_from(ExtraPurchase)
        .join(ExtraItem, ExtraItem.id == ExtraPurchase.item_id)
        .where(
            ExtraPurchase.purchase_date >= start,
            ExtraPurchase.purchase_date <= end,
            _in_slice(scope, ExtraPurchase.resident_id),
            _resident_in_mess(scope, ExtraPurchase.resident_id),
        )
        .group_by(ExtraPurchase.resident_id, ExtraPurchase.item_id, ExtraItem.name, ExtraPurchase.unit_price)
    )

    adjustments = select(
        *_line(
            Adjustment.resident_id,
            "adjustment",
            Adjustment.reason,
            literal(1, Integer),
            Adjustment.amount,
            Adjustment.amount,
            position=literal(0, Integer),
        )
    ).where(
        Adjustment.adjustment_date >= start,
        Adjustment.adjustment_date <= end,
        _in_slice(scope, Adjustment.resident_id),
        _resident_in_mess(scope, Adjustment.resident_id),
    )

    parts = [meals, guests, walk_ins, extras, fixed_lines(scope, dialect), adjustments]
    return union_all(*parts)  # type: ignore[return-value]


def fixed_lines(scope: MonthScope, dialect: str) -> Select[Any]:
    """Rule 5. One line per fixed-charge rate met on the charged days; amounts are rounded on the running sum,
    so the lines add up to exactly round_half_up(sum of fixed_charge(d) over charged days / days_in_month)."""
    day = _days(scope.start, scope.end, "fixed_days")
    dim = scope.days_in_month
    until = func.lead(FixedCharge.effective_from).over(order_by=FixedCharge.effective_from)
    rate = (
        select(FixedCharge.effective_from.label("since"), until.label("until"), FixedCharge.amount.label("amount"))
        .where(FixedCharge.mess_id == scope.mess_id, FixedCharge.effective_from <= scope.end)
        .subquery("fixed_rate")
    )  # in force on d: since <= d < until (the latest effective_from <= d; unique per mess)
    rebated = exists().where(
        Leave.resident_id == Resident.id,
        Leave.status == "approved",
        Leave.start_date <= day.c.day,
        Leave.end_date >= day.c.day,
        _leave_length(dialect) >= scope.min_rebate_days,
    )
    charged = (
        select(
            Resident.id.label("resident_id"),
            rate.c.since.label("effective_from"),
            rate.c.amount.label("rate"),
            func.count().label("days"),
        )
        .select_from(Resident)
        .join(
            day,
            and_(Resident.active_from <= day.c.day, or_(Resident.active_to.is_(None), Resident.active_to >= day.c.day)),
        )
        .join(rate, and_(rate.c.since <= day.c.day, or_(rate.c.until.is_(None), rate.c.until > day.c.day)))
        .where(Resident.mess_id == scope.mess_id, _in_slice(scope, Resident.id), ~rebated)
        .group_by(Resident.id, rate.c.since, rate.c.amount)
        .subquery("charged")
    )
    # Cast: PostgreSQL sums bigints as NUMERIC, and the rounding below needs integer division.
    running = cast(
        func.sum(charged.c.days * charged.c.rate).over(
            partition_by=charged.c.resident_id, order_by=charged.c.effective_from, rows=(None, 0)
        ),
        BigInteger,
    )
    steps = select(
        charged.c.resident_id,
        charged.c.days,
        charged.c.rate,
        (_half_up(running, dim) - _half_up(running - charged.c.days * charged.c.rate, dim)).label("amount"),
    ).subquery("fixed_step")
    description = (
        literal("Fixed charge: ", String)
        + cast(steps.c.days, String)
        + literal(f" of {dim} days at ", String)
        + cast(steps.c.rate, String)
        + literal(" a month", String)
    )
    return select(*_line(steps.c.resident_id, "fixed", description, steps.c.days, steps.c.rate, steps.c.amount)).where(
        steps.c.rate > 0
    )


def correction_lines(scope: MonthScope, dialect: str) -> Select[Any]:
    """Changes to the previous (issued) month: its recomputed own lines minus what its issued bills charged for
    it (their total without their own correction lines), per resident, as one signed line."""
    previous = previous_month(scope.month)
    recomputed = own_lines(scope.for_month(previous), dialect).subquery("recomputed")
    earlier_corrections = (
        select(func.coalesce(func.sum(BillLine.amount), 0))
        .where(BillLine.bill_id == Bill.id, BillLine.kind == "correction")
        .scalar_subquery()
    )
    issued = select(Bill.resident_id.label("resident_id"), (-(Bill.total - earlier_corrections)).label("amount")).where(
        Bill.mess_id == scope.mess_id,
        Bill.month == previous,
        Bill.status == "issued",
        _in_slice(scope, Bill.resident_id),
    )
    both = union_all(select(recomputed.c.resident_id, recomputed.c.amount), issued).subquery("difference")
    diff = func.sum(both.c.amount)
    return (
        select(
            *_line(
                both.c.resident_id,
                "correction",
                literal(f"Correction to the {previous} bill (recomputed after it was issued)", String),
                literal(1, Integer),
                diff,
                diff,
            )
        )
        .group_by(both.c.resident_id)
        .having(diff != 0)
    )


# --- statements used by the service ------------------------------------------------------------------------


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
            _in_slice(scope, Resident.id),
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
        .where(Bill.mess_id == scope.mess_id, _in_slice(scope, Bill.resident_id))
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
    session: AsyncSession, mess_id: int, month: str, entry_date: date, now: datetime, actor_id: int | None
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
    result = await session.execute(update(Bill).where(drafts).values(status="issued", issued_at=now))
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


async def latest_run(session: AsyncSession, mess_id: int, month: str) -> BillingRun | None:
    query = (
        select(BillingRun)
        .where(BillingRun.mess_id == mess_id, BillingRun.month == month)
        .order_by(BillingRun.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def succeeded_month(session: AsyncSession, mess_id: int) -> str | None:
    query = select(func.max(BillingRun.month)).where(BillingRun.mess_id == mess_id, BillingRun.status == "succeeded")
    return (await session.execute(query)).scalar()


async def all_messes(session: AsyncSession) -> list[Mess]:
    return list((await session.execute(select(Mess).order_by(Mess.id))).scalars())


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
    day = _days(scope.start, scope.end, "price_check_days")
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


async def get_resident(session: AsyncSession, resident_id: int) -> Resident:
    resident = await session.get(Resident, resident_id)
    if resident is None:  # a bill's resident is kept by a foreign key; say so rather than crash on None
        raise NotFound(f"resident {resident_id} does not exist", ErrorCode.UNKNOWN_RESIDENT)
    return resident
