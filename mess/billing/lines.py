"""The bill's lines: PRODUCT.md section 3 once, as set-based statement builders (SELECTs the repository runs as
INSERT ... SELECT) for PostgreSQL and SQLite: no loop over residents or meals in Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Select

from mess.bookings.repository import effective_bookings
from mess.db.days import day_table
from mess.kit.dates import month_bounds, previous_month
from mess.models import (
    Adjustment,
    Bill,
    BillLine,
    CheckIn,
    ExtraItem,
    ExtraPurchase,
    FixedCharge,
    Leave,
    MealPrice,
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
    # The month so far (the estimate): only days up to `until` count; a run leaves it None (the whole month).
    until: date | None = None

    @property
    def start(self) -> date:
        return month_bounds(self.month)[0]

    @property
    def end(self) -> date:
        last = month_bounds(self.month)[1]
        return last if self.until is None else min(last, self.until)

    @property
    def days_in_month(self) -> int:
        first, last = month_bounds(self.month)
        return (last - first).days + 1

    def for_month(self, month: str) -> MonthScope:
        return MonthScope(
            self.mess_id, month, self.default_booked, self.min_rebate_days, self.first_id, self.last_id, self.until
        )


def _half_up(numerator: Any, denominator: int) -> Any:
    """round_half_up(numerator / denominator) for numerator >= 0, in integer arithmetic on both backends."""
    return (numerator * 2 + denominator) // (2 * denominator)


def _leave_length(dialect: str) -> Any:
    """A leave's whole length in days (start..end inclusive), also the part outside the month."""
    if dialect == "postgresql":
        return Leave.end_date - Leave.start_date + 1
    return cast(func.julianday(Leave.end_date) - func.julianday(Leave.start_date), Integer) + 1


def in_slice(scope: MonthScope, column: Any) -> ColumnElement[bool]:
    return and_(column >= scope.first_id, column <= scope.last_id)


def _resident_in_mess(scope: MonthScope, resident_id: Any) -> Any:
    return exists().where(Resident.id == resident_id, Resident.mess_id == scope.mess_id)


def price_periods(scope: MonthScope, name: str = "price_period") -> Any:
    """The mess's price rows that can be in force during the month, each with the day it stops (`until`, the next
    row's effective_from; NULL when none follows in the month): in force on d = the row with since <= d < until,
    i.e. the latest effective_from <= d (unique per slot). A handful of rows, joined to meals by slot and range,
    where a per-day table (pricing.repository.prices_in_force) makes the planner think the month's meals are few."""
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
            in_slice(scope, CheckIn.resident_id),
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
            ExtraPurchase.voided_at.is_(None),
            in_slice(scope, ExtraPurchase.resident_id),
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
        in_slice(scope, Adjustment.resident_id),
        _resident_in_mess(scope, Adjustment.resident_id),
    )

    parts = [meals, guests, walk_ins, extras, fixed_lines(scope, dialect), adjustments]
    return union_all(*parts)  # type: ignore[return-value]


def fixed_lines(scope: MonthScope, dialect: str) -> Select[Any]:
    """Rule 5. One line per fixed-charge rate met on the charged days; amounts are rounded on the running sum,
    so the lines add up to exactly round_half_up(sum of fixed_charge(d) over charged days / days_in_month)."""
    day = day_table(scope.start, scope.end, "fixed_days")
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
        .where(Resident.mess_id == scope.mess_id, in_slice(scope, Resident.id), ~rebated)
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
        in_slice(scope, Bill.resident_id),
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
