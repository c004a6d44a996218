from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from mess.errors import InvalidInput
from mess.menus import service
from mess.menus.schemas import DayMenu, DishesIn, TemplateMeal
from web.api import api_router
from web.api.params import Day, IdQuery
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import MESS, ROLE, SLOT, E, errors

router = api_router(tags=["menu"])

SlotCode = Annotated[str, Path(min_length=1, max_length=32)]


@router.get("/menu", response_model=DayMenu | list[DayMenu], responses=errors(E.INVALID_INPUT, MESS))
async def get_menu(
    session: SessionDep,
    actor: ActorDep,
    date: Day | None = None,
    from_: Annotated[Day | None, Query(alias="from")] = None,
    to: Day | None = None,
    mess_id: IdQuery = None,
) -> DayMenu | list[DayMenu]:
    """`?date=` gives one day's menu; `?from=&to=` (at most 14 days) a list of days."""
    if date is not None:
        if from_ is not None or to is not None:
            raise InvalidInput("pass either date or from and to, not both")
        return (await service.get_menu(session, actor, date, date, mess_id))[0]
    if from_ is None or to is None:
        raise InvalidInput("pass date, or from and to")
    return await service.get_menu(session, actor, from_, to, mess_id)


@router.get("/menu/template", response_model=list[TemplateMeal], responses=errors(MESS))
async def get_template(session: SessionDep, actor: ActorDep, mess_id: IdQuery = None) -> list[TemplateMeal]:
    return await service.get_template(session, actor, mess_id)


@router.put(
    "/menu/template/{weekday}/{slot}", response_model=TemplateMeal, responses=errors(E.INVALID_INPUT, ROLE, MESS, SLOT)
)
async def set_template(
    weekday: Annotated[str, Path(max_length=16, description="0..6 (Monday = 0) or mon..sun")],
    slot: SlotCode,
    data: DishesIn,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
) -> TemplateMeal:
    return await service.set_template(session, actor, service.parse_weekday(weekday), slot, data, now)


@router.put("/menu/{date}/{slot}", response_model=DayMenu, responses=errors(ROLE, MESS, SLOT))
async def set_day_menu(
    date: Day, slot: SlotCode, data: DishesIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> DayMenu:
    return await service.set_day_menu(session, actor, date, slot, data, now)
