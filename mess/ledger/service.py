"""A resident's account: issued bills are debits, payments credits; the balance is the sum of the entries.

Nothing is deleted from the ledger. A payment recorded by mistake is undone by a reversing entry (+ its amount)
that names it; the original stays, so the balance is always the sum of what was written.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.errors import Conflict, ErrorCode, InvalidInput, NotFound
from mess.kit.date_limits import recorded_date
from mess.kit.dates import local_today
from mess.ledger import repository
from mess.ledger.schemas import LedgerEntryOut, LedgerOut, PaymentIn, PaymentOut, ReversalIn
from mess.messes.service import load_mess
from mess.models import LedgerEntry, Mess
from mess.residents.service import listing_scope, load_resident, target_resident


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


def _payment_words(entry: LedgerEntry, mess: Mess, today: date) -> str:
    words = f"the payment of {text.money(-entry.amount, mess.currency)} on {text.day(entry.entry_date, today)}"
    return f"{words} (reference {entry.reference})" if entry.reference else words


async def _refuse_repeated_reference(session: AsyncSession, mess: Mess, reference: str, today: date) -> None:
    if not reference:
        return
    earlier = await repository.payment_with_reference(session, mess.id, reference)
    if earlier is not None:
        raise Conflict(
            f"reference {reference} is already recorded: {_payment_words(earlier, mess, today)}. "
            "A receipt is entered once; if it was entered wrongly, reverse that payment",
            ErrorCode.DUPLICATE_REFERENCE,
        )


async def record_payment(session: AsyncSession, actor: Actor, data: PaymentIn, now: datetime) -> LedgerOut:
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, data.resident_id)
    mess = await load_mess(session, resident.mess_id)
    today = local_today(now, mess.timezone)
    recorded_date(data.date, today, "a payment")
    await _refuse_repeated_reference(session, mess, data.reference, today)
    entry = LedgerEntry(
        mess_id=resident.mess_id,
        resident_id=resident.id,
        entry_date=data.date,
        kind="payment",
        amount=-data.amount,
        reference=data.reference,
        method=data.method,
        created_at=now,
        created_by=actor.user_id or None,
    )
    repository.add(session, entry)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same reference entered at the same moment by someone else
        raise Conflict(f"reference {data.reference} is already recorded", ErrorCode.DUPLICATE_REFERENCE) from exc
    await audit(
        session,
        actor=actor,
        mess_id=mess.id,
        action="payment.record",
        entity="ledger_entry",
        entity_id=entry.id,
        now=now,
        detail=data.model_dump(),
    )
    return await ledger(session, actor, resident.id)


async def reverse_payment(
    session: AsyncSession, actor: Actor, payment_id: int, data: ReversalIn, now: datetime
) -> LedgerEntryOut:
    """Undo a payment with a reversing entry dated today; the payment stays. A second reversal is refused."""
    actor.require("warden", "admin")
    payment = await repository.get_entry(session, payment_id)
    if payment is None or payment.kind != "payment" or not actor.can_see_mess(payment.mess_id):
        raise NotFound(f"payment {payment_id} does not exist")
    mess = await load_mess(session, payment.mess_id)
    today = local_today(now, mess.timezone)
    words = _payment_words(payment, mess, today)  # before the insert: a failed flush expires the payment
    already = await repository.reversal_of(session, payment.id)
    if already is not None:
        raise _already_reversed(words, today, already.entry_date)
    reversal = LedgerEntry(
        mess_id=payment.mess_id,
        resident_id=payment.resident_id,
        entry_date=today,
        kind="reversal",
        amount=-payment.amount,
        reference=payment.reference,
        method=payment.method,
        reverses_id=payment.id,
        reason=data.reason,
        created_at=now,
        created_by=actor.user_id or None,
    )
    repository.add(session, reversal)
    try:
        await session.flush()
    except IntegrityError as exc:  # unique reverses_id: another reversal of it committed first
        raise _already_reversed(words, today, today) from exc
    await audit(
        session,
        actor=actor,
        mess_id=mess.id,
        action="payment.reverse",
        entity="ledger_entry",
        entity_id=payment.id,
        now=now,
        reason=data.reason,
        detail={"reversal_id": reversal.id, "amount": -payment.amount, "reference": payment.reference},
    )
    return LedgerEntryOut.model_validate(reversal)


def _already_reversed(words: str, today: date, on: date) -> Conflict:
    return Conflict(
        f"{words[0].upper()}{words[1:]} was already reversed on {text.day(on, today)}", ErrorCode.ALREADY_REVERSED
    )


async def list_payments(
    session: AsyncSession,
    actor: Actor,
    *,
    resident_id: int | None,
    start: date | None,
    end: date | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[PaymentOut], int]:
    """A mess's payments (a resident: their own), newest first, each with whether it was reversed."""
    if not actor.is_resident:
        actor.require("warden", "admin")
    if start is not None and end is not None and end < start:
        raise InvalidInput(text.REVERSED_RANGE, field="to")
    target, resident = await listing_scope(session, actor, resident_id, mess_id)
    rows, total = await repository.list_payments(session, target, resident, start, end, limit, offset)
    return [
        PaymentOut(
            id=entry.id,
            resident_id=entry.resident_id,
            roll_no=roll_no,
            name=name,
            date=entry.entry_date,
            amount=-entry.amount,
            method=entry.method,
            reference=entry.reference,
            reversed=reversal_id is not None,
            reversal_id=reversal_id,
            created_at=entry.created_at,
        )
        for entry, roll_no, name, reversal_id in rows
    ], total
