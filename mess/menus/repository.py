"""All menu SQL: the dishes of given dates, and the weekly template."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import MenuDish, MenuTemplateDish

DishRow = tuple[str, str, list[str], int | None, str | None]  # dish, diet tag, allergens, portion, unit


async def day_dishes(session: AsyncSession, mess_id: int, start: date, end: date) -> list[MenuDish]:
    query = (
        select(MenuDish)
        .where(MenuDish.mess_id == mess_id, MenuDish.menu_date >= start, MenuDish.menu_date <= end)
        .order_by(MenuDish.menu_date, MenuDish.slot_id, MenuDish.position, MenuDish.id)
    )
    return list((await session.execute(query)).scalars())


async def template_dishes(session: AsyncSession, mess_id: int) -> list[MenuTemplateDish]:
    query = (
        select(MenuTemplateDish)
        .where(MenuTemplateDish.mess_id == mess_id)
        .order_by(MenuTemplateDish.weekday, MenuTemplateDish.slot_id, MenuTemplateDish.position, MenuTemplateDish.id)
    )
    return list((await session.execute(query)).scalars())


async def replace_day(
    session: AsyncSession,
    mess_id: int,
    day: date,
    slot_id: int,
    dishes: list[DishRow],
) -> None:
    await session.execute(
        delete(MenuDish).where(MenuDish.mess_id == mess_id, MenuDish.menu_date == day, MenuDish.slot_id == slot_id)
    )
    session.add_all(
        MenuDish(
            mess_id=mess_id,
            menu_date=day,
            slot_id=slot_id,
            dish=dish,
            diet_tag=tag,
            allergens=allergens,
            portion=portion,
            unit=unit,
            position=position,
        )
        for position, (dish, tag, allergens, portion, unit) in enumerate(dishes)
    )
    await session.flush()


async def replace_template(
    session: AsyncSession,
    mess_id: int,
    weekday: int,
    slot_id: int,
    dishes: list[DishRow],
) -> None:
    await session.execute(
        delete(MenuTemplateDish).where(
            MenuTemplateDish.mess_id == mess_id,
            MenuTemplateDish.weekday == weekday,
            MenuTemplateDish.slot_id == slot_id,
        )
    )
    session.add_all(
        MenuTemplateDish(
            mess_id=mess_id,
            weekday=weekday,
            slot_id=slot_id,
            dish=dish,
            diet_tag=tag,
            allergens=allergens,
            portion=portion,
            unit=unit,
            position=position,
        )
        for position, (dish, tag, allergens, portion, unit) in enumerate(dishes)
    )
    await session.flush()
