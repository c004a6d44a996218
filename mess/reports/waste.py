"""Waste: kilograms per day and slot, grams per plate served, and the dishes that come back the most."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.reports import repository
from mess.reports.dishes import dish_totals
from mess.reports.scope import ReportHeader, ReportParams, resolve_scope

WORST_DISHES = 10


def grams_per_plate(grams: int, plates: int) -> float | None:
    return round(grams / plates, 1) if plates else None


@dataclass(frozen=True, slots=True)
class WasteRow:
    date: dt.date
    slot: str
    waste_grams: int
    plates: int
    grams_per_plate: float | None


@dataclass(frozen=True, slots=True)
class SlotWaste:
    slot: str
    waste_grams: int
    plates: int
    grams_per_plate: float | None


@dataclass(frozen=True, slots=True)
class DishWasteRow:
    dish: str
    meals: int
    waste_grams: int
    plates: int
    grams_per_plate: float | None


@dataclass(frozen=True, slots=True)
class WasteReport:
    header: ReportHeader
    waste_grams: int
    plates: int
    grams_per_plate: float | None
    rows: list[WasteRow]
    by_slot: list[SlotWaste]
    worst_dishes: list[DishWasteRow]


async def waste_report(session: AsyncSession, actor: Actor, params: ReportParams, now: datetime) -> WasteReport:
    scope = await resolve_scope(session, actor, params, now)
    data = [r for r in await repository.scope_rollups(session, scope) if not r.in_progress]  # ended meals' plates
    rows = [
        WasteRow(r.day, scope.slot_code(r.slot_id), r.waste_grams, r.plates, grams_per_plate(r.waste_grams, r.plates))
        for r in data
    ]
    by_slot = []
    for slot in scope.slots:
        grams = sum(r.waste_grams for r in data if r.slot_id == slot.id)
        plates = sum(r.plates for r in data if r.slot_id == slot.id)
        by_slot.append(SlotWaste(slot.code, grams, plates, grams_per_plate(grams, plates)))
    per_dish: dict[str, list[int]] = {}  # a dish served at several slots: one row
    for d in await dish_totals(session, scope, data):
        if d.waste_meals:
            t = per_dish.setdefault(d.dish, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + d.waste_meals, t[1] + d.waste_grams, t[2] + d.plates
    dishes = [DishWasteRow(dish, m, g, p, grams_per_plate(g, p)) for dish, (m, g, p) in per_dish.items()]
    dishes.sort(key=lambda d: (-(d.grams_per_plate or 0.0), -d.waste_grams, d.dish))
    grams = sum(r.waste_grams for r in data)
    plates = sum(r.plates for r in data)
    return WasteReport(
        header=ReportHeader.of(scope),
        waste_grams=grams,
        plates=plates,
        grams_per_plate=grams_per_plate(grams, plates),
        rows=rows,
        by_slot=by_slot,
        worst_dishes=dishes[:WORST_DISHES],
    )
