from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, status

from mess.extras import service
from mess.extras.schemas import MAX_ID, ItemIn, ItemOut, ItemPatch, PurchaseIn, PurchaseOut, VoidIn
from web.api import api_router
from web.api.params import Day, Flag, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import LISTING, MESS, MESS_FOR, RANGE, RESIDENT, ROLE, E, errors

router = api_router(tags=["extras"])


@router.post(
    "/extras",
    response_model=ItemOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, MESS, E.ALREADY_EXISTS),
)
async def create_item(data: ItemIn, session: SessionDep, actor: ActorDep, now: NowDep) -> ItemOut:
    return await service.create_item(session, actor, data, now)


@router.get("/extras", response_model=list[ItemOut], responses=errors(MESS_FOR))
async def list_items(
    session: SessionDep,
    actor: ActorDep,
    active: Flag | None = Query(None, description="only items on sale (true) or withdrawn (false)"),
    mess_id: IdQuery = None,
) -> list[ItemOut]:
    return await service.list_items(session, actor, mess_id, active)


@router.patch(
    "/extras/{item_id}", response_model=ItemOut, responses=errors(ROLE, E.NOT_FOUND, E.WRONG_MESS, E.ALREADY_EXISTS)
)
async def update_item(
    item_id: Annotated[int, Path(ge=1, le=MAX_ID)], patch: ItemPatch, session: SessionDep, actor: ActorDep, now: NowDep
) -> ItemOut:
    return await service.update_item(session, actor, item_id, patch, now)


@router.post(
    "/extra-purchases",
    response_model=PurchaseOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, RESIDENT, E.NOT_FOUND, E.ITEM_INACTIVE, E.INVALID_INPUT, E.NOT_RESIDENT),
)
async def record_purchase(data: PurchaseIn, session: SessionDep, actor: ActorDep, now: NowDep) -> PurchaseOut:
    return await service.record_purchase(session, actor, data, now)


@router.get("/extra-purchases", response_model=list[PurchaseOut], responses=errors(RANGE, LISTING))
async def list_purchases(
    session: SessionDep,
    actor: ActorDep,
    from_: Annotated[Day, Query(alias="from")],
    to: Day,
    resident_id: IdQuery = None,
    mess_id: IdQuery = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> list[PurchaseOut]:
    return await service.list_purchases(
        session, actor, start=from_, end=to, resident_id=resident_id, mess_id=mess_id, limit=limit, offset=offset
    )


@router.post(
    "/extra-purchases/{purchase_id}/void",
    response_model=PurchaseOut,
    responses=errors(ROLE, E.NOT_FOUND, E.WRONG_MESS, E.ALREADY_VOIDED, E.ALREADY_ISSUED),
)
async def void_purchase(
    purchase_id: Annotated[int, Path(ge=1, le=MAX_ID)], data: VoidIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> PurchaseOut:
    """Take a sale off the bill, audited with the reason: staff on the sale's day, wardens until its month is
    issued (409 already_issued), once (409 already_voided)."""
    return await service.void_purchase(session, actor, purchase_id, data, now)
