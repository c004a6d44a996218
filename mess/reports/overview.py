"""Overview: one day (today by default) per slot, and the month so far, at a glance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.kit.dates import month_of
from mess.kit.money import div_round_half_up
from mess.reports import repository
from mess.reports.ratings import average
from mess.reports.scope import ReportHeader, ReportParams, rate, resolve_scope
from mess.reports.waste import grams_per_plate


@dataclass(frozen=True, slots=True)
class DaySlot:
    slot: str
    residents: int
    booked: int
    guests: int
    on_leave: int
    checked_in: int
    walk_ins: int
    no_shows: int
    in_progress: bool  # not ended yet: no_shows stays 0 and the month's figures leave it out


@dataclass(frozen=True, slots=True)
class OverviewReport:
    header: ReportHeader  # start..end is the month so far
    day: date
    active_residents: int
    day_slots: list[DaySlot]
    month: str
    served: int
    plates: int
    booked: int
    no_shows: int
    no_show_rate: float | None
    participation: float | None
    meal_revenue: int
    expenses: int
    cost_per_plate: int | None
    waste_grams: int
    grams_per_plate: float | None
    ratings: int
    average_rating: float | None


async def overview_report(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> OverviewReport:
    """`to` picks the day (default: the mess's today); `from` is ignored: the month runs from its first day."""
    probe = await resolve_scope(session, actor, replace(params, start=None), now)
    day = params.end or probe.today
    scope = await resolve_scope(session, actor, replace(params, start=day.replace(day=1), end=day), now)
    everything = await repository.scope_rollups(session, scope)
    today = {r.slot_id: r for r in everything if r.day == day}
    day_slots = []
    for slot in scope.slots:
        r = today.get(slot.id)
        day_slots.append(
            DaySlot(
                slot.code,
                *(r.residents, r.booked, r.guests, r.on_leave, r.checked_in, r.walk_ins, r.no_shows, r.in_progress),
            )
            if r
            else DaySlot(slot.code, 0, 0, 0, 0, 0, 0, 0, not scope.ended(day, slot.id))
        )
    data = [r for r in everything if not r.in_progress]
    expenses = sum(a for _, a in await repository.expenses_by_category(session, scope.mess_id, scope.start, day))
    served = sum(r.served for r in data)
    plates = sum(r.plates for r in data)
    booked = sum(r.booked for r in data)
    no_shows = sum(r.no_shows for r in data)
    waste = sum(r.waste_grams for r in data)
    ratings = sum(r.rating_count for r in data)
    return OverviewReport(
        header=ReportHeader.of(scope),
        day=day,
        active_residents=await repository.active_residents(session, scope.mess_id, day),
        day_slots=day_slots,
        month=month_of(day),
        served=served,
        plates=plates,
        booked=booked,
        no_shows=no_shows,
        no_show_rate=rate(no_shows, booked),
        participation=rate(served, sum(r.residents for r in data)),
        meal_revenue=sum(r.meal_revenue for r in everything),  # booked meals are charged, eaten or not
        expenses=expenses,
        cost_per_plate=div_round_half_up(expenses, plates) if plates else None,
        waste_grams=waste,
        grams_per_plate=grams_per_plate(waste, plates),
        ratings=ratings,
        average_rating=average(sum(r.rating_sum for r in data), ratings),
    )
