"""Payments and the resident's ledger (balance = sum of the entries); reversals instead of deletes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mess.ledger import service
from mess.ledger.schemas import LedgerEntryOut, LedgerOut, PaymentIn, PaymentOut, ReversalIn
from web.api import API_PREFIX
from web.api.params import IdPath, IdQuery, Offset
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["ledger"])


@router.post("/payments", status_code=201, response_model=LedgerOut)
async def record_payment(body: PaymentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> LedgerOut:
    return await service.record_payment(session, actor, body, now)


@router.get("/payments", response_model=list[PaymentOut])
async def list_payments(
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    resident_id: IdQuery = None,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    mess_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[PaymentOut]:
    rows, total = await service.list_payments(
        session, actor, resident_id=resident_id, start=start, end=end, mess_id=mess_id, limit=limit, offset=offset
    )
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.post("/payments/{payment_id}/reverse", status_code=201, response_model=LedgerEntryOut)
async def reverse_payment(
    payment_id: IdPath, body: ReversalIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> LedgerEntryOut:
    return await service.reverse_payment(session, actor, payment_id, body, now)


@router.get("/ledger", response_model=LedgerOut)
async def ledger(session: SessionDep, actor: ActorDep, resident_id: IdQuery = None) -> LedgerOut:
    return await service.ledger(session, actor, resident_id)
