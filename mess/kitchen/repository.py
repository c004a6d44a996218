"""All kitchen-plan SQL: a meal's dishes (its own, else the weekly template's) and the slot's waste per plate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import DailyRollup, MenuDish, MenuTemplateDish, Wastage


@dataclass(frozen=True, slots=True)
class DishRow:
    dish: str
    diet_tag: str
    portion: int | None
    unit: str | None


async def meal_dishes(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> tuple[str, list[DishRow]]:
    """("day", the date's own dishes) when it has some, else ("template", the weekday's), else ("none", [])."""
    own = (
        await session.execute(
            select(MenuDish.dish, MenuDish.diet_tag, MenuDish.portion, MenuDish.unit)
            .where(MenuDish.mess_id == mess_id, MenuDish.menu_date == day, MenuDish.slot_id == slot_id)
            .order_by(MenuDish.position, MenuDish.id)
        )
    ).all()
    if own:
        return "day", [DishRow(*row) for row in own]
    t = MenuTemplateDish
    template = (
        await session.execute(
            select(t.dish, t.diet_tag, t.portion, t.unit)
            .where(t.mess_id == mess_id, t.weekday == day.weekday(), t.slot_id == slot_id)
            .order_by(t.position, t.id)
        )
    ).all()
    return ("template" if template else "none"), [DishRow(*row) for row in template]


async def waste_by_day(
    session: AsyncSession, mess_id: int, slot_id: int, start: date, end: date
) -> list[tuple[date, int, int]]:
    """(day, waste grams, plates served) of the slot's meals in start..end with both a weighing and a rollup."""
    waste = (
        select(Wastage.waste_date.label("day"), func.sum(Wastage.grams).label("grams"))
        .where(
            Wastage.mess_id == mess_id,
            Wastage.slot_id == slot_id,
            Wastage.waste_date >= start,
            Wastage.waste_date <= end,
        )
        .group_by(Wastage.waste_date)
        .subquery("waste")
    )
    r = DailyRollup
    query = (
        select(waste.c.day, waste.c.grams, r.checked_in + r.walk_ins + r.guests)
        .select_from(waste)
        .join(r, and_(r.mess_id == mess_id, r.slot_id == slot_id, r.rollup_date == waste.c.day))
        .order_by(waste.c.day)
    )
    return [(day, int(grams or 0), int(plates or 0)) for day, grams, plates in (await session.execute(query)).all()]
