"""Payments and the resident's ledger (balance = sum of the entries); reversals instead of deletes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from mess.ledger import service
from mess.ledger.schemas import LedgerEntryOut, LedgerOut, PaymentIn, PaymentOut, ReversalIn
from web.api import api_router
from web.api.params import Day, IdPath, IdQuery, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import LISTING, RANGE, RESIDENT, ROLE, TARGET, E, errors

router = api_router(tags=["ledger"])


@router.post(
    "/payments",
    status_code=201,
    response_model=LedgerOut,
    responses=errors(ROLE, RESIDENT, E.NOT_FOUND, E.DATE_OUT_OF_RANGE, E.DUPLICATE_REFERENCE),
)
async def record_payment(body: PaymentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> LedgerOut:
    return await service.record_payment(session, actor, body, now)


@router.get("/payments", response_model=list[PaymentOut], responses=errors(ROLE, RANGE, LISTING))
async def list_payments(
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    resident_id: IdQuery = None,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
    mess_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[PaymentOut]:
    rows, total = await service.list_payments(
        session, actor, resident_id=resident_id, start=start, end=end, mess_id=mess_id, limit=limit, offset=offset
    )
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.post(
    "/payments/{payment_id}/reverse",
    status_code=201,
    response_model=LedgerEntryOut,
    responses=errors(ROLE, E.NOT_FOUND, E.ALREADY_REVERSED),
)
async def reverse_payment(
    payment_id: IdPath, body: ReversalIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> LedgerEntryOut:
    return await service.reverse_payment(session, actor, payment_id, body, now)


@router.get("/ledger", response_model=LedgerOut, responses=errors(ROLE, TARGET))
async def ledger(session: SessionDep, actor: ActorDep, resident_id: IdQuery = None) -> LedgerOut:
    return await service.ledger(session, actor, resident_id)
