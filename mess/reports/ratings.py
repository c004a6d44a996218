"""Ratings: by dish and slot, and their trend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.reports import repository
from mess.reports.dishes import dish_totals
from mess.reports.scope import ReportHeader, ReportParams, resolve_scope

MAX_COMMENTS = 500


def average(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


@dataclass(frozen=True, slots=True)
class SlotRating:
    slot: str
    ratings: int
    average: float | None


@dataclass(frozen=True, slots=True)
class DayRating:
    date: dt.date
    ratings: int
    average: float | None


@dataclass(frozen=True, slots=True)
class DishRatingRow:
    dish: str
    slot: str
    meals: int
    ratings: int
    average: float | None


@dataclass(frozen=True, slots=True)
class CommentRow:
    date: dt.date
    slot: str
    rating: int
    comment: str


@dataclass(frozen=True, slots=True)
class RatingReport:
    header: ReportHeader
    ratings: int
    average: float | None
    by_slot: list[SlotRating]
    trend: list[DayRating]
    by_dish: list[DishRatingRow]  # best first
    comments: list[CommentRow]  # residents' comments on meals that have ended, latest first


async def rating_report(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> RatingReport:
    scope = await resolve_scope(session, actor, params, now)
    data = await repository.scope_rollups(session, scope)
    by_slot = []
    for slot in scope.slots:
        rows = [r for r in data if r.slot_id == slot.id]
        count = sum(r.rating_count for r in rows)
        by_slot.append(SlotRating(slot.code, count, average(sum(r.rating_sum for r in rows), count)))
    per_day: dict[date, list[int]] = {}
    for r in data:
        bucket = per_day.setdefault(r.day, [0, 0])
        bucket[0] += r.rating_sum
        bucket[1] += r.rating_count
    trend = [DayRating(day, n, average(total, n)) for day, (total, n) in sorted(per_day.items())]
    dishes = [  # meals that have ended, with their ratings; template menus included
        DishRatingRow(d.dish, scope.slot_code(d.slot_id), d.rated_meals, d.ratings, average(d.rating_sum, d.ratings))
        for d in await dish_totals(session, scope, data)
        if d.ratings
    ]
    dishes.sort(key=lambda d: (-(d.average or 0.0), -d.ratings, d.dish, d.slot))
    said = await repository.comments(session, scope.mess_id, scope.slot_ids, scope.start, scope.end, MAX_COMMENTS)
    comments = [
        CommentRow(c.day, scope.slot_code(c.slot_id), c.rating, c.comment)
        for c in said
        if scope.ended(c.day, c.slot_id)
    ]
    count = sum(r.rating_count for r in data)
    return RatingReport(
        header=ReportHeader.of(scope),
        ratings=count,
        average=average(sum(r.rating_sum for r in data), count),
        by_slot=by_slot,
        trend=trend,
        by_dish=dishes,
        comments=comments,
    )
