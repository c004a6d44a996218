"""The kitchen plan of one meal: expected plates (mess.headcount.expected, the same figure as the counter's)
split by diet, and per dish the plates of the diets that eat it times its portion (PRODUCT 7.5).

Who eats a dish, by its diet tag: a non-veg dish the non-vegetarians; an egg dish those who eat egg (egg and
non-veg); a jain dish the jain residents; a veg dish everyone, except the jain residents when the meal has a jain
dish of its own. The meal's expected plates are split over the diets in proportion to their booked residents and
guests (largest remainders, so the parts add up to the whole); the upper bound likewise."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.checkins.windows import choose_meal
from mess.errors import NotFound
from mess.headcount import expected
from mess.headcount import repository as headcount_repository
from mess.headcount.service import meal_counts
from mess.kit.date_limits import ahead_date, recorded_date
from mess.kit.dates import local_today
from mess.kit.diets import DIETS
from mess.kitchen import repository
from mess.kitchen.schemas import KitchenPlan, PlanDish, PlanWaste, WasteDay

WASTE_DAYS = 28
FLAT = 0.05


def eaten_by(diet_tag: str, meal_has_jain_dish: bool) -> list[str]:
    if diet_tag == "non_veg":
        return ["non_veg"]
    if diet_tag == "egg":
        return ["egg", "non_veg"]
    if diet_tag == "jain":
        return ["jain"]
    return [d for d in DIETS if not (d == "jain" and meal_has_jain_dish)]


def split(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """`total` over the diets in proportion to `weights` (largest remainders; all to veg with no weights)."""
    whole = sum(weights.values())
    if not whole:
        return {d: total if d == "veg" else 0 for d in DIETS}
    exact = {d: total * weights.get(d, 0) / whole for d in DIETS}
    out = {d: math.floor(v) for d, v in exact.items()}
    left = total - sum(out.values())
    for d in sorted(DIETS, key=lambda d: (-(exact[d] - out[d]), DIETS.index(d)))[:left]:
        out[d] += 1
    return out


def quantity(plates: int, portion: int | None, unit: str | None) -> tuple[float | None, str | None]:
    """plates x portion in kg (g), l (ml) or pieces."""
    if portion is None or unit is None:
        return None, None
    if unit == "pieces":
        return float(plates * portion), "pieces"
    return round(plates * portion / 1000, 3), "kg" if unit == "g" else "l"


def per_plate(grams: int, plates: int) -> float | None:
    return round(grams / plates, 1) if plates else None


def waste_summary(rows: list[tuple[date, int, int]], end: date, target: int | None) -> PlanWaste:
    def window(first: date, last: date) -> float | None:
        chosen = [(g, p) for d, g, p in rows if first <= d <= last]
        return per_plate(sum(g for g, _ in chosen), sum(p for _, p in chosen))

    last = window(end - timedelta(days=6), end)
    previous = window(end - timedelta(days=13), end - timedelta(days=7))
    trend = None
    if last is not None and previous:
        change = (last - previous) / previous
        trend = "flat" if abs(change) <= FLAT else ("up" if change > 0 else "down")
    return PlanWaste(
        target_grams_per_plate=target,
        last_7_days=last,
        previous_7_days=previous,
        trend=trend,
        on_target=None if target is None or last is None else last <= target,
        days=[WasteDay(date=d, grams_per_plate=v) for d, g, p in rows if (v := per_plate(g, p)) is not None],
    )


async def kitchen_plan(
    session: AsyncSession, actor: Actor, day: date | None, slot_code: str | None, mess_id: int | None, now: datetime
) -> KitchenPlan:
    """What to cook for one meal (default: the current or next meal of the caller's mess)."""
    actor.require("staff", "warden", "admin")
    mess, slots = await headcount_repository.mess_and_slots(session, actor.mess_for(mess_id), slot_code)
    if mess is None:
        raise NotFound("This mess does not exist.")
    today = local_today(now, mess.timezone)
    if day is not None:
        ahead_date(day, today, "A kitchen plan")
        if day < today:
            recorded_date(day, today, "A kitchen plan")
    meal = choose_meal(mess, slots, day, slot_code, now)
    slot, day = meal.slot, meal.day
    counts = await meal_counts(session, mess.id, day, slot.id)
    booked, guests = counts.total("booked"), counts.total("guests")
    outlook = await expected.expected_meal(session, mess, slot, day, now, booked=booked, guests=guests)
    weights = {d: c.booked + c.guests for d, c in counts.by_diet.items()}
    if not sum(weights.values()):  # nobody booked: the residents' diets
        weights = {d: c.residents - c.on_leave for d, c in counts.by_diet.items()}
    by_diet, by_diet_high = split(outlook.expected, weights), split(outlook.high, weights)
    source, rows = await repository.meal_dishes(session, mess.id, day, slot.id)
    has_jain = any(r.diet_tag == "jain" for r in rows)
    dishes = []
    for row in rows:
        diets = eaten_by(row.diet_tag, has_jain)
        plates = sum(by_diet[d] for d in diets)
        high = sum(by_diet_high[d] for d in diets)
        amount, shown_unit = quantity(plates, row.portion, row.unit)
        amount_high, _ = quantity(high, row.portion, row.unit)
        dishes.append(
            PlanDish(
                dish=row.dish,
                diet_tag=row.diet_tag,
                eaten_by=diets,
                portion=row.portion,
                unit=row.unit if row.unit in ("g", "ml", "pieces") else None,
                plates=plates,
                plates_high=high,
                by_diet={d: by_diet[d] for d in diets},
                quantity=amount,
                quantity_high=amount_high,
                quantity_unit=shown_unit,
            )
        )
    end = min(day, today) - timedelta(days=1)
    waste = await repository.waste_by_day(session, mess.id, slot.id, end - timedelta(days=WASTE_DAYS - 1), end)
    return KitchenPlan(
        mess_id=mess.id,
        date=day,
        slot=slot.code,
        slot_name=slot.name,
        menu_source=source,
        bookings_known=outlook.bookings_known,
        method=outlook.method,
        plates_expected=outlook.expected,
        plates_low=outlook.low,
        plates_high=outlook.high,
        booked=booked,
        guests=guests,
        show_rate=outlook.show_rate,
        walk_ins=outlook.walk_ins,
        by_diet=by_diet,
        by_diet_high=by_diet_high,
        dishes=dishes,
        waste=waste_summary(waste, end, mess.waste_target_grams),
    )
