"""All menu SQL: the dishes of given dates, and the weekly template."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, bindparam, cast, delete, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import MenuDish, MenuTemplateDish

DishRow = tuple[str, str, list[str], int | None, str | None]  # dish, diet tag, allergens, portion, unit


def _range_statement() -> Any:
    """The dishes of the dates start..end and the mess's weekly template in one round trip: rows (template,
    menu_date, weekday, slot_id, dish, diet_tag, allergens, portion, unit), the dates' own dishes first (template
    0, weekday NULL), then the template's (template 1, menu_date NULL), each meal's in its order."""
    mess_id = bindparam("mess_id", type_=Integer)
    own = select(
        literal(0, Integer).label("template"),
        MenuDish.menu_date.label("menu_date"),
        cast(null(), Integer).label("weekday"),
        MenuDish.slot_id.label("slot_id"),
        MenuDish.dish.label("dish"),
        MenuDish.diet_tag.label("diet_tag"),
        MenuDish.allergens.label("allergens"),
        MenuDish.portion.label("portion"),
        MenuDish.unit.label("unit"),
        MenuDish.position.label("position"),
        MenuDish.id.label("id"),
    ).where(
        MenuDish.mess_id == mess_id,
        MenuDish.menu_date >= bindparam("start", type_=Date),
        MenuDish.menu_date <= bindparam("end", type_=Date),
    )
    template = select(
        literal(1, Integer),
        cast(null(), Date),
        MenuTemplateDish.weekday,
        MenuTemplateDish.slot_id,
        MenuTemplateDish.dish,
        MenuTemplateDish.diet_tag,
        MenuTemplateDish.allergens,
        MenuTemplateDish.portion,
        MenuTemplateDish.unit,
        MenuTemplateDish.position,
        MenuTemplateDish.id,
    ).where(MenuTemplateDish.mess_id == mess_id)
    both = union_all(own, template)
    c = both.selected_columns
    return both.order_by(c.template, c.menu_date, c.weekday, c.slot_id, c.position, c.id)


RANGE_DISHES = _range_statement()


async def range_dishes(session: AsyncSession, mess_id: int, start: date, end: date) -> list[Any]:
    """Rows of RANGE_DISHES, on the session's connection (columns only, nothing for the ORM to do)."""
    connection = await session.connection()
    params = {"mess_id": mess_id, "start": start, "end": end}
    return list((await connection.execute(RANGE_DISHES, params)).all())


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
