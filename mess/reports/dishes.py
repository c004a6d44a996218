"""Per-dish figures over the meals that have ended: each meal's dishes are its own, or the weekly template's when
the date has none (as residents saw them), so messes that run on the template get dish tables too. A meal's
ratings and waste count for every dish on it (feedback and weighing are per meal, not per dish)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from mess.menus.service import menu_for_range
from mess.reports import repository
from mess.reports.repository import RollupRow
from mess.reports.scope import ReportScope


async def ended_meal_dishes(session: AsyncSession, scope: ReportScope) -> dict[tuple[date, int], list[str]]:
    """The dishes of each chosen meal of the range that has ended (today's unfinished meals are left out)."""
    last = min(scope.end, scope.today)
    if last < scope.start:
        return {}
    wanted = set(scope.slot_ids)
    out: dict[tuple[date, int], list[str]] = {}
    for day in await menu_for_range(session, scope.mess_id, scope.start, last):
        for meal in day.meals:
            if meal.slot_id in wanted and meal.dishes and scope.ended(day.date, meal.slot_id):
                out[(day.date, meal.slot_id)] = list(dict.fromkeys(d.dish for d in meal.dishes))
    return out


@dataclass(frozen=True, slots=True)
class DishTotals:
    dish: str
    slot_id: int
    meals: int
    rated_meals: int
    ratings: int
    rating_sum: int
    waste_meals: int
    waste_grams: int
    plates: int  # plates served at the meals with a weighing


async def dish_totals(session: AsyncSession, scope: ReportScope, rollups: list[RollupRow]) -> list[DishTotals]:
    """Per (dish, slot): meals served, their ratings, and the waste and plates of those weighed."""
    dishes = await ended_meal_dishes(session, scope)
    last = min(scope.end, scope.today)
    ratings = {
        (d, s): (n, t)
        for d, s, n, t in await repository.meal_ratings(session, scope.mess_id, scope.slot_ids, scope.start, last)
    }
    waste = {
        (d, s): g for d, s, g in await repository.meal_waste(session, scope.mess_id, scope.slot_ids, scope.start, last)
    }
    plates = {(r.day, r.slot_id): r.plates for r in rollups}
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    for (day, slot_id), names in dishes.items():
        count, total = ratings.get((day, slot_id), (0, 0))
        grams = waste.get((day, slot_id))
        for name in names:
            t = totals[(name, slot_id)]
            t[0] += 1
            t[1] += 1 if count else 0
            t[2] += count
            t[3] += total
            if grams is not None:
                t[4] += 1
                t[5] += grams
                t[6] += plates.get((day, slot_id), 0)
    return [DishTotals(name, slot_id, *t) for (name, slot_id), t in totals.items()]
