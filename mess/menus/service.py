"""The menu: dishes per date and slot, with the weekly template filling dates that have none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.kit.allergens import canonical
from mess.kit.dates import each_day
from mess.menus import repository
from mess.menus.schemas import DayMenu, Dish, DishesIn, MealMenu, TemplateMeal
from mess.messes.repository import list_slots
from mess.messes.schemas import SlotOut
from mess.messes.service import load_mess, load_slot
from mess.models import Slot
from mess.notifications import events as notify
from mess.text import REVERSED_RANGE

MAX_MENU_DAYS = 14
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {name: i for i, full in enumerate(WEEKDAYS) for name in (str(i), full[:3], full)}


def _rows(data: DishesIn) -> list[tuple[str, str, list[str], int | None, str | None]]:
    return [(d.dish, d.diet_tag, canonical(d.allergens), d.portion, d.unit) for d in data.dishes]


def _dish(row: Any) -> Dish:
    return Dish(dish=row.dish, diet_tag=row.diet_tag, allergens=row.allergens, portion=row.portion, unit=row.unit)


def parse_weekday(value: str) -> int:
    """0..6 (Monday = 0), mon..sun or monday..sunday, case-insensitive."""
    weekday = _WEEKDAY_NAMES.get(value.strip().lower())
    if weekday is None:
        raise InvalidInput(f"weekday must be 0..6 (Monday = 0) or mon..sun, not {value!r}")
    return weekday


async def menu_for_range(
    session: AsyncSession, mess_id: int, start: date, end: date, slots: Sequence[Slot | SlotOut] | None = None
) -> list[DayMenu]:
    """The menu of every date start..end (inclusive) of a mess, per slot in serving order.

    One statement: the dates' own dishes and the weekly template. A (date, slot) with dishes of its own shows those
    (source "day"); otherwise the template's dishes for that weekday (source "template"), or nothing ("none").
    The caller scopes: pass a mess the caller may see; `slots`: the mess's, when the caller has them already."""
    if slots is None:
        slots = await list_slots(session, mess_id)
    own: dict[tuple[date, int], list[Dish]] = defaultdict(list)
    template: dict[tuple[int, int], list[Dish]] = defaultdict(list)
    for row in await repository.range_dishes(session, mess_id, start, end):
        if row.template:
            template[(row.weekday, row.slot_id)].append(_dish(row))
        else:
            own[(row.menu_date, row.slot_id)].append(_dish(row))
    days = []
    for day in each_day(start, end):
        meals = []
        for slot in slots:
            if (day, slot.id) in own:
                source, dishes = "day", own[(day, slot.id)]
            elif (day.weekday(), slot.id) in template:
                source, dishes = "template", template[(day.weekday(), slot.id)]
            else:
                source, dishes = "none", []
            meals.append(MealMenu(slot=slot.code, slot_id=slot.id, slot_name=slot.name, source=source, dishes=dishes))
        days.append(DayMenu(date=day, weekday=day.weekday(), meals=meals))
    return days


async def get_menu(
    session: AsyncSession, actor: Actor, start: date, end: date, mess_id: int | None = None
) -> list[DayMenu]:
    if end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    if (end - start).days >= MAX_MENU_DAYS:
        raise InvalidInput(f"ask for at most {MAX_MENU_DAYS} days of menu at a time")
    target = actor.mess_for(mess_id)
    await load_mess(session, target)
    return await menu_for_range(session, target, start, end)


async def set_day_menu(
    session: AsyncSession, actor: Actor, day: date, slot_code: str, data: DishesIn, now: datetime
) -> DayMenu:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    mess = await load_mess(session, mess_id)
    slot = await load_slot(session, mess_id, slot_code)
    await repository.replace_day(session, mess_id, day, slot.id, _rows(data))
    await notify.menu_changed(session, mess, slot, day, [d.dish for d in data.dishes], now)
    await audit(
        session,
        actor=actor,
        mess_id=mess_id,
        action="menu.set_day",
        entity="slot",
        entity_id=slot.id,
        now=now,
        detail={"date": day, "dishes": [d.model_dump() for d in data.dishes]},
    )
    return (await menu_for_range(session, mess_id, day, day))[0]


async def get_template(session: AsyncSession, actor: Actor, mess_id: int | None = None) -> list[TemplateMeal]:
    target = actor.mess_for(mess_id)
    await load_mess(session, target)
    slots = await list_slots(session, target)
    dishes: dict[tuple[int, int], list[Dish]] = defaultdict(list)
    for row in await repository.template_dishes(session, target):
        dishes[(row.weekday, row.slot_id)].append(_dish(row))
    return [
        TemplateMeal(weekday=weekday, slot=slot.code, slot_id=slot.id, dishes=dishes.get((weekday, slot.id), []))
        for weekday in range(7)
        for slot in slots
    ]


async def set_template(
    session: AsyncSession, actor: Actor, weekday: int, slot_code: str, data: DishesIn, now: datetime
) -> TemplateMeal:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    await load_mess(session, mess_id)
    slot = await load_slot(session, mess_id, slot_code)
    await repository.replace_template(session, mess_id, weekday, slot.id, _rows(data))
    await audit(
        session,
        actor=actor,
        mess_id=mess_id,
        action="menu.set_template",
        entity="slot",
        entity_id=slot.id,
        now=now,
        detail={"weekday": weekday, "dishes": [d.model_dump() for d in data.dishes]},
    )
    return TemplateMeal(weekday=weekday, slot=slot.code, slot_id=slot.id, dishes=data.dishes)
