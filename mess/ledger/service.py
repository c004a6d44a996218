"""A resident's account: issued bills are debits, payments credits; the balance is the sum of the entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.kit.date_limits import recorded_date
from mess.kit.dates import local_today
from mess.ledger import repository
from mess.ledger.schemas import LedgerEntryOut, LedgerOut, PaymentIn
from mess.messes.service import load_mess
from mess.models import LedgerEntry
from mess.residents.service import load_resident, target_resident


async def ledger(session: AsyncSession, actor: Actor, resident_id: int | None) -> LedgerOut:
    if not actor.is_resident:
        actor.require("warden", "admin")
    resident = await target_resident(session, actor, resident_id)
    rows = await repository.entries(session, resident.id)
    return LedgerOut(
        resident_id=resident.id,
        entries=[LedgerEntryOut.model_validate(row) for row in rows],
        balance=await repository.balance(session, resident.id),
    )


async def record_payment(session: AsyncSession, actor: Actor, data: PaymentIn, now: datetime) -> LedgerOut:
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, data.resident_id)
    mess = await load_mess(session, resident.mess_id)
    recorded_date(data.date, local_today(now, mess.timezone), "a payment")
    repository.add(
        session,
        LedgerEntry(
            mess_id=resident.mess_id,
            resident_id=resident.id,
            entry_date=data.date,
            kind="payment",
            amount=-data.amount,
            reference=data.reference,
            created_at=now,
            created_by=actor.user_id or None,
        ),
    )
    await session.flush()
    return await ledger(session, actor, resident.id)
