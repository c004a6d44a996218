"""Payments and the resident's ledger (balance = sum of the entries)."""

from __future__ import annotations

from fastapi import APIRouter

from mess.ledger import service
from mess.ledger.schemas import LedgerOut, PaymentIn
from web.api import API_PREFIX
from web.api.params import IdQuery
from web.deps import ActorDep, NowDep, SessionDep

router = APIRouter(prefix=API_PREFIX, tags=["ledger"])


@router.post("/payments", status_code=201, response_model=LedgerOut)
async def record_payment(body: PaymentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> LedgerOut:
    return await service.record_payment(session, actor, body, now)


@router.get("/ledger", response_model=LedgerOut)
async def ledger(session: SessionDep, actor: ActorDep, resident_id: IdQuery = None) -> LedgerOut:
    return await service.ledger(session, actor, resident_id)
