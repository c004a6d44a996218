"""All report SQL. Dashboards read the daily rollups; only the per-resident, per-dish and money tables touch raw
rows, always through an index on (mess, date)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.kit.dates import each_day
from mess.models import Bill, Booking, CheckIn, DailyRollup, Expense, Feedback, Leave, Resident, Wastage
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
    updated_at: datetime
    in_progress: bool = False  # its serving window had not ended when the row was built: nothing eaten or missed yet

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
            r.updated_at,
        )
        .where(r.mess_id == mess_id, r.rollup_date >= start, r.rollup_date <= end, r.slot_id.in_(slot_ids))
        .order_by(r.rollup_date, r.slot_id)
    )
    return [RollupRow(*tuple(row)) for row in (await session.execute(query)).all()]


async def scope_rollups(session: AsyncSession, scope: ReportScope) -> list[RollupRow]:
    """The scope's rollups; a meal not ended when its row was built (or by now) is in progress, never a no-show."""
    rows = await rollups(session, scope.mess_id, scope.slot_ids, scope.start, scope.end)
    return [
        r if scope.ended(r.day, r.slot_id, as_of=r.updated_at) else replace(r, no_shows=0, in_progress=True)
        for r in rows
    ]


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
    """Booked meals with no admission at the counter, per resident, most first.

    Counted, not expanded: a year of 5,000 residents is 7 million (resident, day, slot) rows, so instead of
    materialising the effective bookings this applies the same rule (mess.bookings.repository.effective_bookings:
    not resident -> approved leave -> explicit choice -> the mess's default) as arithmetic: resident days minus
    leave days times slots, minus explicit cancellations (opt-out) or plus explicit bookings (opt-in).
    tests/mess/reports/test_no_shows_rule.py checks it against effective_bookings row by row."""
    people = (
        await session.execute(
            select(Resident.id, Resident.roll_no, Resident.name, Resident.active_from, Resident.active_to).where(
                Resident.mess_id == mess_id,
                Resident.active_from <= end,
                (Resident.active_to.is_(None)) | (Resident.active_to >= start),
            )
        )
    ).all()
    leaves = (
        await session.execute(
            select(Leave.resident_id, Leave.start_date, Leave.end_date).where(
                Leave.mess_id == mess_id, Leave.status == "approved", Leave.start_date <= end, Leave.end_date >= start
            )
        )
    ).all()

    def counted(table: Any, day: Any) -> Any:
        """Meals of the mess's residents on resident days, not covered by an approved leave."""
        return and_(
            table.mess_id == mess_id,
            day >= start,
            day <= end,
            table.slot_id.in_(slot_ids),
            Resident.active_from <= day,
            (Resident.active_to.is_(None)) | (Resident.active_to >= day),
            ~exists().where(
                Leave.resident_id == Resident.id,
                Leave.status == "approved",
                Leave.start_date <= day,
                Leave.end_date >= day,
            ),
        )

    explicit = {
        resident_id: (int(cancelled or 0), int(booked or 0))
        for resident_id, cancelled, booked in (
            await session.execute(
                select(
                    Booking.resident_id,
                    func.sum(case((Booking.status == "cancelled", 1), else_=0)),
                    func.sum(case((Booking.status == "booked", 1), else_=0)),
                )
                .join(Resident, Resident.id == Booking.resident_id)
                .where(counted(Booking, Booking.meal_date))
                .group_by(Booking.resident_id)
            )
        ).all()
    }
    # Admissions at booked meals = all admissions on counted days, minus those at meals the rule says were not
    # booked. Subtracting the (few) exceptions keeps the big scan a plain grouped count over the check-in index.
    same_meal = and_(
        Booking.resident_id == CheckIn.resident_id,
        Booking.meal_date == CheckIn.meal_date,
        Booking.slot_id == CheckIn.slot_id,
    )
    in_residency = and_(
        CheckIn.mess_id == mess_id,
        CheckIn.admitted.is_(True),
        CheckIn.meal_date >= start,
        CheckIn.meal_date <= end,
        CheckIn.slot_id.in_(slot_ids),
        Resident.active_from <= CheckIn.meal_date,
        (Resident.active_to.is_(None)) | (Resident.active_to >= CheckIn.meal_date),
    )
    # One pass over the admissions: all of them, and those at meals the resident had cancelled (opt-out).
    at_cancelled_meal = func.sum(case((Booking.status == "cancelled", 1), else_=0))
    admissions = select(CheckIn.resident_id, func.count(), at_cancelled_meal).join(
        Resident, Resident.id == CheckIn.resident_id
    )
    if default_booked:
        admissions = admissions.outerjoin(Booking, same_meal)
    else:  # opt-in: only an explicit booking makes a booked meal
        admissions = admissions.join(Booking, and_(same_meal, Booking.status == "booked"))
    on_leave = admissions.join(
        Leave,
        and_(
            Leave.resident_id == CheckIn.resident_id,
            Leave.status == "approved",
            Leave.start_date <= CheckIn.meal_date,
            Leave.end_date >= CheckIn.meal_date,
        ),
    )
    # Eaten booked meals = admissions - those on leave days - those at cancelled meals off leave days.
    eaten: Counter[int] = Counter()
    for query, sign in ((admissions, 1), (on_leave, -1)):
        for resident_id, count, at_cancelled in (
            await session.execute(query.where(in_residency).group_by(CheckIn.resident_id))
        ).all():
            eaten[int(resident_id)] += sign * (int(count) - int(at_cancelled or 0))

    leave_days: dict[int, set[date]] = {}
    for resident_id, first, last in leaves:
        leave_days.setdefault(resident_id, set()).update(each_day(max(first, start), min(last, end)))
    out = []
    for resident_id, roll_no, name, active_from, active_to in people:
        first, last = max(active_from, start), min(active_to or end, end)
        days = (last - first).days + 1
        away = sum(1 for d in leave_days.get(resident_id, ()) if first <= d <= last)
        cancelled, booked_rows = explicit.get(resident_id, (0, 0))
        booked = len(slot_ids) * (days - away) - cancelled if default_booked else booked_rows
        missed = booked - int(eaten.get(resident_id, 0))
        if missed > 0:
            out.append(ResidentNoShows(resident_id, roll_no, name, booked, missed))
    out.sort(key=lambda r: (-r.no_shows, r.roll_no))
    return out[:limit]


async def meal_ratings(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date
) -> list[tuple[date, int, int, int]]:
    """(day, slot id, ratings, sum of ratings) per meal with feedback."""
    query = (
        select(Feedback.meal_date, Feedback.slot_id, func.count(), func.sum(Feedback.rating))
        .where(
            Feedback.mess_id == mess_id,
            Feedback.meal_date >= start,
            Feedback.meal_date <= end,
            Feedback.slot_id.in_(slot_ids),
        )
        .group_by(Feedback.meal_date, Feedback.slot_id)
    )
    return [(d, int(s), int(n), int(t or 0)) for d, s, n, t in (await session.execute(query)).all()]


async def meal_waste(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date
) -> list[tuple[date, int, int]]:
    """(day, slot id, grams) per meal with a weighing."""
    query = (
        select(Wastage.waste_date, Wastage.slot_id, func.sum(Wastage.grams))
        .where(
            Wastage.mess_id == mess_id,
            Wastage.waste_date >= start,
            Wastage.waste_date <= end,
            Wastage.slot_id.in_(slot_ids),
        )
        .group_by(Wastage.waste_date, Wastage.slot_id)
    )
    return [(d, int(s), int(g or 0)) for d, s, g in (await session.execute(query)).all()]


@dataclass(frozen=True, slots=True)
class Comment:
    day: date
    slot_id: int
    rating: int
    comment: str
    at: datetime


async def comments(
    session: AsyncSession, mess_id: int, slot_ids: tuple[int, ...], start: date, end: date, limit: int
) -> list[Comment]:
    """Residents' comments on the meals, latest meal first."""
    query = (
        select(Feedback.meal_date, Feedback.slot_id, Feedback.rating, Feedback.comment, Feedback.created_at)
        .where(
            Feedback.mess_id == mess_id,
            Feedback.meal_date >= start,
            Feedback.meal_date <= end,
            Feedback.slot_id.in_(slot_ids),
            Feedback.comment != "",
        )
        .order_by(Feedback.meal_date.desc(), Feedback.slot_id.desc(), Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return [Comment(d, int(s), int(r), c, at) for d, s, r, c, at in (await session.execute(query)).all()]
