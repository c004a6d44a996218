from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response, status

from mess.pricing import service
from mess.pricing.schemas import FixedChargeChange, FixedChargeIn, FixedChargeOut, PriceChange, PriceIn, PriceOut
from web.api import api_router
from web.api.params import Day, IdPath, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import MESS, MESS_FOR, ROLE, SLOT, E, errors

router = api_router(tags=["pricing"])
# A correction: the row exists and is the caller's mess's, its date in range, no issued month changes.
CORRECTION = (*ROLE, E.NOT_FOUND, E.WRONG_MESS, E.ALREADY_EXISTS, E.ALREADY_ISSUED, E.DATE_OUT_OF_RANGE)


@router.post(
    "/prices",
    response_model=PriceOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, SLOT, E.ALREADY_EXISTS, E.ALREADY_ISSUED, E.DATE_OUT_OF_RANGE),
)
async def create_price(data: PriceIn, session: SessionDep, actor: ActorDep, now: NowDep) -> PriceOut:
    return await service.create_price(session, actor, data, now)


@router.get("/prices", response_model=list[PriceOut], responses=errors(MESS_FOR, SLOT))
async def list_prices(
    session: SessionDep,
    actor: ActorDep,
    slot: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    on: Annotated[Day | None, Query(description="only the rows in force on this date")] = None,
    mess_id: IdQuery = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> list[PriceOut]:
    return await service.list_prices(session, actor, mess_id=mess_id, slot_code=slot, on=on, limit=limit, offset=offset)


@router.post(
    "/fixed-charges",
    response_model=FixedChargeOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, E.ALREADY_EXISTS, E.ALREADY_ISSUED, E.DATE_OUT_OF_RANGE),
)
async def create_fixed_charge(data: FixedChargeIn, session: SessionDep, actor: ActorDep, now: NowDep) -> FixedChargeOut:
    return await service.create_fixed_charge(session, actor, data, now)


@router.get("/fixed-charges", response_model=list[FixedChargeOut], responses=errors(MESS_FOR))
async def list_fixed_charges(
    session: SessionDep,
    actor: ActorDep,
    on: Day | None = None,
    mess_id: IdQuery = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> list[FixedChargeOut]:
    return await service.list_fixed_charges(session, actor, mess_id=mess_id, on=on, limit=limit, offset=offset)


# Corrections: refused with 409 already_issued when an issued month would change (PRODUCT 7.2).


@router.patch("/prices/{price_id}", response_model=PriceOut, responses=errors(CORRECTION))
async def correct_price(
    price_id: IdPath, data: PriceChange, session: SessionDep, actor: ActorDep, now: NowDep
) -> PriceOut | None:
    out, _ = await service.correct_price(session, actor, price_id, data, now)
    return out


@router.delete(
    "/prices/{price_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(CORRECTION),
)
async def delete_price(price_id: IdPath, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    await service.correct_price(session, actor, price_id, None, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/fixed-charges/{charge_id}", response_model=FixedChargeOut, responses=errors(CORRECTION))
async def correct_fixed_charge(
    charge_id: IdPath, data: FixedChargeChange, session: SessionDep, actor: ActorDep, now: NowDep
) -> FixedChargeOut | None:
    out, _ = await service.correct_fixed_charge(session, actor, charge_id, data, now)
    return out


@router.delete(
    "/fixed-charges/{charge_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(CORRECTION),
)
async def delete_fixed_charge(charge_id: IdPath, session: SessionDep, actor: ActorDep, now: NowDep) -> Response:
    await service.correct_fixed_charge(session, actor, charge_id, None, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
