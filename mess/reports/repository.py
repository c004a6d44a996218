"""All report SQL. Dashboards read the daily rollups; only the per-resident, per-dish and money tables touch raw
rows, always through an index on (mess, date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.repository import effective_bookings
from mess.models import Bill, CheckIn, DailyRollup, Expense, Feedback, MenuDish, Resident, Wastage
from mess.reports.scope import ReportScope


@dataclass(frozen=True, slots=True)
class RollupRow:
    day: date
    slot_id: int
    residents: int
    booked: int
    guests: int
    on_leave: int
    checked_in: int
    walk_ins: int
    no_shows: int
    waste_grams: int
    rating_sum: int
    rating_count: int
    meal_revenue: int

    @property
    def served(self) -> int:
        """People through the counter: booked residents admitted plus walk-ins."""
        return self.checked_in + self.walk_ins

    @property
    def plates(self) -> int:
        """Plates the kitchen served: people through the counter plus the guests booked with them."""
        return self.served + self.guests


async def rollups(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date
) -> list[RollupRow]:
    r = DailyRollup
    query = (
        select(
            r.rollup_date,
            r.slot_id,
            r.residents,
            r.booked,
            r.guests,
            r.on_leave,
            r.checked_in,
            r.walk_ins,
            r.no_shows,
            r.waste_grams,
            r.rating_sum,
            r.rating_count,
            r.meal_revenue,
        )
        .where(r.mess_id == mess_id, r.rollup_date >= start, r.rollup_date <= end, r.slot_id.in_(slot_ids))
        .order_by(r.rollup_date, r.slot_id)
    )
    return [RollupRow(*tuple(row)) for row in (await session.execute(query)).all()]


async def scope_rollups(session: AsyncSession, scope: ReportScope) -> list[RollupRow]:
    return await rollups(session, scope.mess_id, scope.slot_ids, scope.start, scope.end)


async def active_residents(session: AsyncSession, mess_id: int, day: date) -> int:
    query = select(func.count()).where(
        Resident.mess_id == mess_id,
        Resident.active_from <= day,
        (Resident.active_to.is_(None)) | (Resident.active_to >= day),
    )
    return int((await session.execute(query)).scalar_one())


async def expenses_by_category(session: AsyncSession, mess_id: int, start: date, end: date) -> list[tuple[str, int]]:
    query = (
        select(Expense.category, func.sum(Expense.amount))
        .where(Expense.mess_id == mess_id, Expense.expense_date >= start, Expense.expense_date <= end)
        .group_by(Expense.category)
        .order_by(func.sum(Expense.amount).desc(), Expense.category)
    )
    return [(category, int(total)) for category, total in (await session.execute(query)).all()]


async def expenses_by_day(session: AsyncSession, mess_id: int, start: date, end: date) -> list[tuple[date, int]]:
    query = (
        select(Expense.expense_date, func.sum(Expense.amount))
        .where(Expense.mess_id == mess_id, Expense.expense_date >= start, Expense.expense_date <= end)
        .group_by(Expense.expense_date)
        .order_by(Expense.expense_date)
    )
    return [(day, int(total)) for day, total in (await session.execute(query)).all()]


async def bills_by_month(
    session: AsyncSession, mess_id: int, first_month: str, last_month: str
) -> list[tuple[str, int, int, int]]:
    """(month, bills, total amount, issued bills) per month; months are 'YYYY-MM' so they sort as text."""
    query = (
        select(
            Bill.month,
            func.count(),
            func.sum(Bill.total),
            func.sum(case((Bill.status == "issued", 1), else_=0)),
        )
        .where(Bill.mess_id == mess_id, Bill.month >= first_month, Bill.month <= last_month)
        .group_by(Bill.month)
        .order_by(Bill.month)
    )
    return [(m, int(n), int(t or 0), int(i or 0)) for m, n, t, i in (await session.execute(query)).all()]


async def bill_totals(session: AsyncSession, mess_id: int, month: str) -> list[int]:
    query = select(Bill.total).where(Bill.mess_id == mess_id, Bill.month == month).order_by(Bill.total)
    return [int(t) for t in (await session.execute(query)).scalars()]


async def latest_billed_month(session: AsyncSession, mess_id: int, last_month: str) -> str | None:
    query = select(func.max(Bill.month)).where(Bill.mess_id == mess_id, Bill.month <= last_month)
    return (await session.execute(query)).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class ResidentNoShows:
    resident_id: int
    roll_no: str
    name: str
    booked: int
    no_shows: int


async def no_shows_by_resident(
    session: AsyncSession,
    mess_id: int,
    default_booked: bool,
    slot_ids: tuple[int, ...],
    start: date,
    end: date,
    limit: int,
) -> list[ResidentNoShows]:
    """Booked meals (the one effective-booking rule) with no admission at the counter, per resident."""
    eb = effective_bookings(mess_id, default_booked, start, end).order_by(None).subquery("effective")
    booked = case((eb.c.booked, 1), else_=0)
    missed = case((and_(eb.c.booked, CheckIn.id.is_(None)), 1), else_=0)
    per_resident = (
        select(eb.c.resident_id, func.sum(booked).label("booked"), func.sum(missed).label("no_shows"))
        .select_from(eb)
        .outerjoin(
            CheckIn,
            and_(
                CheckIn.resident_id == eb.c.resident_id,
                CheckIn.meal_date == eb.c.meal_date,
                CheckIn.slot_id == eb.c.slot_id,
                CheckIn.admitted.is_(True),
            ),
        )
        .where(eb.c.slot_id.in_(slot_ids))
        .group_by(eb.c.resident_id)
        .subquery("per_resident")
    )
    query = (
        select(Resident.id, Resident.roll_no, Resident.name, per_resident.c.booked, per_resident.c.no_shows)
        .join(per_resident, per_resident.c.resident_id == Resident.id)
        .where(per_resident.c.no_shows > 0)
        .order_by(per_resident.c.no_shows.desc(), Resident.roll_no)
        .limit(limit)
    )
    return [ResidentNoShows(i, r, n, int(b), int(m)) for i, r, n, b, m in (await session.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class DishRating:
    dish: str
    slot_id: int
    meals: int
    ratings: int
    rating_sum: int


async def ratings_by_dish(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date
) -> list[DishRating]:
    """A meal's ratings count for every dish served at it (feedback is per meal, not per dish)."""
    query = (
        select(
            MenuDish.dish,
            MenuDish.slot_id,
            func.count(distinct(MenuDish.menu_date)),
            func.count(Feedback.id),
            func.sum(Feedback.rating),
        )
        .join(
            Feedback,
            and_(
                Feedback.mess_id == MenuDish.mess_id,
                Feedback.meal_date == MenuDish.menu_date,
                Feedback.slot_id == MenuDish.slot_id,
            ),
        )
        .where(
            MenuDish.mess_id == mess_id,
            MenuDish.menu_date >= start,
            MenuDish.menu_date <= end,
            MenuDish.slot_id.in_(slot_ids),
        )
        .group_by(MenuDish.dish, MenuDish.slot_id)
    )
    return [DishRating(d, s, int(m), int(n), int(t or 0)) for d, s, m, n, t in (await session.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class DishWaste:
    dish: str
    meals: int
    waste_grams: int
    plates: int


async def waste_by_dish(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date
) -> list[DishWaste]:
    """Waste of the meals a dish was on, and the plates served at those meals (from the rollups)."""
    meal_waste = (
        select(Wastage.waste_date, Wastage.slot_id, func.sum(Wastage.grams).label("grams"))
        .where(Wastage.mess_id == mess_id, Wastage.waste_date >= start, Wastage.waste_date <= end)
        .group_by(Wastage.waste_date, Wastage.slot_id)
        .subquery("meal_waste")
    )
    dishes = (
        select(MenuDish.menu_date, MenuDish.slot_id, MenuDish.dish)
        .where(
            MenuDish.mess_id == mess_id,
            MenuDish.menu_date >= start,
            MenuDish.menu_date <= end,
            MenuDish.slot_id.in_(slot_ids),
        )
        .distinct()
        .subquery("dishes")
    )
    r = DailyRollup
    plates = func.coalesce(r.checked_in + r.walk_ins + r.guests, 0)
    query = (
        select(dishes.c.dish, func.count(), func.sum(meal_waste.c.grams), func.sum(plates))
        .select_from(dishes)
        .join(meal_waste, and_(meal_waste.c.waste_date == dishes.c.menu_date, meal_waste.c.slot_id == dishes.c.slot_id))
        .outerjoin(r, and_(r.mess_id == mess_id, r.rollup_date == dishes.c.menu_date, r.slot_id == dishes.c.slot_id))
        .group_by(dishes.c.dish)
    )
    return [DishWaste(d, int(m), int(g or 0), int(p or 0)) for d, m, g, p in (await session.execute(query)).all()]
