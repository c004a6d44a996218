"""No-shows: booked meals nobody ate, by slot, weekday, resident and over time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.messes.service import load_mess
from mess.reports import repository
from mess.reports.repository import ResidentNoShows
from mess.reports.scope import WEEKDAYS, ReportHeader, ReportParams, ReportScope, rate, resolve_scope

# The per-resident table reads raw bookings and check-ins, so it covers at most the last month of the range.
RESIDENT_WINDOW_DAYS = 31
RESIDENT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class NoShowGroup:
    key: str  # a slot code, a weekday name or an ISO date
    booked: int
    no_shows: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class NoShowReport:
    header: ReportHeader
    booked: int
    no_shows: int
    rate: float | None
    in_progress_meals: int  # meals of the range still being served (or not yet): counted once they end
    in_progress_booked: int
    by_slot: list[NoShowGroup]
    by_weekday: list[NoShowGroup]
    trend: list[NoShowGroup]
    residents_from: date
    residents_to: date
    residents: list[ResidentNoShows]


def _groups(pairs: dict[str, list[int]]) -> list[NoShowGroup]:
    return [NoShowGroup(key, b, n, rate(n, b)) for key, (b, n) in pairs.items()]


@dataclass(frozen=True, slots=True)
class NoShowCounts:
    """The report's figures from the rollups (fast): what the page's metrics and charts draw first."""

    header: ReportHeader
    booked: int
    no_shows: int
    rate: float | None
    in_progress_meals: int
    in_progress_booked: int
    by_slot: list[NoShowGroup]
    by_weekday: list[NoShowGroup]
    trend: list[NoShowGroup]


@dataclass(frozen=True, slots=True)
class ResidentsNoShows:
    """The per-resident table from raw bookings and check-ins (slower: the page draws it after its charts)."""

    residents_from: date
    residents_to: date
    residents: list[ResidentNoShows]


async def no_show_counts(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> NoShowCounts:
    scope = await resolve_scope(session, actor, params, now)
    return await _counts(session, scope)


async def _counts(session: AsyncSession, scope: ReportScope) -> NoShowCounts:
    rollups = await repository.scope_rollups(session, scope)
    data = [r for r in rollups if not r.in_progress]
    waiting = [r for r in rollups if r.in_progress]
    by_slot: dict[str, list[int]] = {s.code: [0, 0] for s in scope.slots}
    by_weekday: dict[str, list[int]] = {name: [0, 0] for name in WEEKDAYS}
    trend: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in data:
        buckets = (by_slot[scope.slot_code(r.slot_id)], by_weekday[WEEKDAYS[r.day.weekday()]], trend[r.day.isoformat()])
        for bucket in buckets:
            bucket[0] += r.booked
            bucket[1] += r.no_shows
    booked = sum(r.booked for r in data)
    no_shows = sum(r.no_shows for r in data)
    return NoShowCounts(
        header=ReportHeader.of(scope),
        booked=booked,
        no_shows=no_shows,
        rate=rate(no_shows, booked),
        in_progress_meals=len(waiting),
        in_progress_booked=sum(r.booked for r in waiting),
        by_slot=_groups(by_slot),
        by_weekday=_groups(by_weekday),
        trend=_groups(dict(trend)),
    )


async def no_show_residents(
    session: AsyncSession, actor: Actor, params: ReportParams, now: datetime
) -> ResidentsNoShows:
    scope = await resolve_scope(session, actor, params, now)
    return await _residents(session, scope)


async def _residents(session: AsyncSession, scope: ReportScope) -> ResidentsNoShows:
    mess = await load_mess(session, scope.mess_id)
    residents_to = scope.last_ended_day  # raw rows: whole days whose meals have all ended
    residents_from = max(scope.start, residents_to - timedelta(days=RESIDENT_WINDOW_DAYS - 1))
    residents = (
        await repository.no_shows_by_resident(
            session,
            scope.mess_id,
            mess.booking_mode == "opt_out",
            scope.slot_ids,
            residents_from,
            residents_to,
            RESIDENT_LIMIT,
        )
        if residents_from <= residents_to
        else []
    )
    return ResidentsNoShows(residents_from, residents_to, residents)


async def no_show_report(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> NoShowReport:
    """The whole report in one snapshot (the REST API). The analytics page asks for its two parts separately
    (no_show_counts, then no_show_residents) so that its charts are drawn before the slower per-resident table."""
    scope = await resolve_scope(session, actor, params, now)
    counts = await _counts(session, scope)
    people = await _residents(session, scope)
    return NoShowReport(
        header=counts.header,
        booked=counts.booked,
        no_shows=counts.no_shows,
        rate=counts.rate,
        in_progress_meals=counts.in_progress_meals,
        in_progress_booked=counts.in_progress_booked,
        by_slot=counts.by_slot,
        by_weekday=counts.by_weekday,
        trend=counts.trend,
        residents_from=people.residents_from,
        residents_to=people.residents_to,
        residents=people.residents,
    )
