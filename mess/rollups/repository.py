"""Daily rollups: one set-based DELETE + INSERT ... SELECT per (mess, date range), all columns at once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, and_, case, delete, func, insert, literal, or_, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.repository import effective_bookings
from mess.models import CheckIn, DailyRollup, Feedback, Wastage
from mess.pricing.repository import prices_in_force

COLUMNS = [
    "mess_id",
    "rollup_date",
    "slot_id",
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
    "updated_at",
]


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rollup_rows(mess_id: int, default_booked: bool, start: date, end: date, now: datetime) -> Any:
    meal = effective_bookings(mess_id, default_booked, start, end).order_by(None).subquery("meal")
    admitted = (
        select(CheckIn.resident_id, CheckIn.meal_date, CheckIn.slot_id)
        .where(
            CheckIn.mess_id == mess_id, CheckIn.admitted == true(), CheckIn.meal_date >= start, CheckIn.meal_date <= end
        )
        .subquery("admitted")
    )
    booked = meal.c.booked == true()
    per_meal = (
        select(
            meal.c.meal_date.label("day"),
            meal.c.slot_id.label("slot_id"),
            func.count().label("residents"),
            _count_if(booked).label("booked"),
            func.coalesce(func.sum(meal.c.guests), 0).label("guests"),
            _count_if(meal.c.source == "leave").label("on_leave"),
            _count_if(and_(booked, admitted.c.resident_id.is_(None))).label("no_shows"),
        )
        .select_from(meal)
        .outerjoin(
            admitted,
            and_(
                admitted.c.resident_id == meal.c.resident_id,
                admitted.c.meal_date == meal.c.meal_date,
                admitted.c.slot_id == meal.c.slot_id,
            ),
        )
        .group_by(meal.c.meal_date, meal.c.slot_id)
        .subquery("per_meal")
    )
    counter = (
        select(
            CheckIn.meal_date.label("day"),
            CheckIn.slot_id.label("slot_id"),
            _count_if(CheckIn.walk_in == true()).label("walk_ins"),
            _count_if(CheckIn.walk_in != true()).label("checked_in"),
        )
        .where(
            CheckIn.mess_id == mess_id, CheckIn.admitted == true(), CheckIn.meal_date >= start, CheckIn.meal_date <= end
        )
        .group_by(CheckIn.meal_date, CheckIn.slot_id)
        .subquery("counter")
    )
    waste = (
        select(Wastage.waste_date.label("day"), Wastage.slot_id, func.sum(Wastage.grams).label("grams"))
        .where(Wastage.mess_id == mess_id, Wastage.waste_date >= start, Wastage.waste_date <= end)
        .group_by(Wastage.waste_date, Wastage.slot_id)
        .subquery("waste")
    )
    rating = (
        select(
            Feedback.meal_date.label("day"),
            Feedback.slot_id,
            func.sum(Feedback.rating).label("total"),
            func.count().label("count"),
        )
        .where(Feedback.mess_id == mess_id, Feedback.meal_date >= start, Feedback.meal_date <= end)
        .group_by(Feedback.meal_date, Feedback.slot_id)
        .subquery("rating")
    )
    price = prices_in_force(mess_id, start, end, "rollup_price")

    def at(table: Any) -> Any:
        return and_(table.c.day == per_meal.c.day, table.c.slot_id == per_meal.c.slot_id)

    return (
        select(
            literal(mess_id, Integer),
            per_meal.c.day,
            per_meal.c.slot_id,
            per_meal.c.residents,
            per_meal.c.booked,
            per_meal.c.guests,
            per_meal.c.on_leave,
            func.coalesce(counter.c.checked_in, 0),
            func.coalesce(counter.c.walk_ins, 0),
            per_meal.c.no_shows,
            func.coalesce(waste.c.grams, 0),
            func.coalesce(rating.c.total, 0),
            func.coalesce(rating.c.count, 0),
            per_meal.c.booked * func.coalesce(price.c.price, 0),
            literal(now, DailyRollup.updated_at.type),
        )
        .select_from(per_meal)
        .outerjoin(counter, at(counter))
        .outerjoin(waste, at(waste))
        .outerjoin(rating, at(rating))
        .outerjoin(price, at(price))
    )


async def replace_range(
    session: AsyncSession, mess_id: int, default_booked: bool, start: date, end: date, now: datetime
) -> int:
    """Recompute the range in one transaction; concurrent rebuilds of one mess are serialised."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": (0xB2 << 48) + mess_id})
    await session.execute(
        delete(DailyRollup).where(
            DailyRollup.mess_id == mess_id, DailyRollup.rollup_date >= start, DailyRollup.rollup_date <= end
        )
    )
    result = await session.execute(
        insert(DailyRollup).from_select(COLUMNS, rollup_rows(mess_id, default_booked, start, end, now))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def clear_unfinished(
    session: AsyncSession, mess_id: int, today: date, unfinished_today: list[int], start: date, end: date
) -> None:
    """Meals not ended yet (after today, or today's unfinished slots) have no no-shows (PRODUCT 7.5)."""
    r = DailyRollup
    unfinished = or_(r.rollup_date > today, and_(r.rollup_date == today, r.slot_id.in_(unfinished_today)))
    await session.execute(
        update(r)
        .where(r.mess_id == mess_id, r.rollup_date >= start, r.rollup_date <= end, unfinished)
        .values(no_shows=0)
    )
