"""Dues: who owes the mess (largest first, with the oldest unpaid month), the list as CSV, and one reminder email
to every resident who owes, sent through the notifier and written to the audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.accounts.service import Mail
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.dues import repository
from mess.dues.repository import Debtor
from mess.dues.schemas import DueOut, RemindersOut
from mess.kit.dates import local_today
from mess.kit.spreadsheet import csv_text
from mess.messes.service import load_mess
from mess.models import Mess

CSV_COLUMNS = ["roll_no", "name", "room", "email", "balance", "currency", "oldest_unpaid_month"]


def _out(row: Debtor) -> DueOut:
    return DueOut(
        resident_id=row.resident_id,
        roll_no=row.roll_no,
        name=row.name,
        balance=row.balance,
        oldest_unpaid_month=row.oldest_unpaid_month,
    )


async def list_dues(
    session: AsyncSession, actor: Actor, mess_id: int | None, limit: int, offset: int
) -> tuple[list[DueOut], int]:
    actor.require("warden", "admin")
    target = actor.mess_for(mess_id)
    rows = await repository.debtors(session, target, limit, offset)
    count, _ = await repository.summary(session, target)
    return [_out(row) for row in rows], count


async def dues_summary(session: AsyncSession, actor: Actor, mess_id: int | None) -> tuple[int, int]:
    actor.require("warden", "admin")
    return await repository.summary(session, actor.mess_for(mess_id))


async def dues_csv(session: AsyncSession, actor: Actor, mess_id: int | None) -> tuple[str, str]:
    """(file name, CSV): balances as decimal numbers a spreadsheet adds up, every text cell formula-safe."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    rows = await repository.debtors(session, mess.id, None)
    lines = [
        (
            r.roll_no,
            r.name,
            r.room or "",
            r.email,
            text.decimal_amount(r.balance),
            mess.currency,
            r.oldest_unpaid_month or "",
        )
        for r in rows
    ]
    return f"dues-{mess.code}.csv", csv_text(CSV_COLUMNS, lines)


def reminder_mail(mess: Mess, debtor: Debtor, today: date) -> Mail:
    owed = text.money(debtor.balance, mess.currency)
    since = (
        f" The oldest bill not yet paid is for {text.month(debtor.oldest_unpaid_month)}."
        if debtor.oldest_unpaid_month
        else ""
    )
    how = (
        f" You can pay at the mess office, or by UPI to {mess.upi_vpa}."
        if mess.upi_vpa
        else (" You can pay at the mess office.")
    )
    body = (
        f"Dear {debtor.name},\n\n"
        f"Your account with {mess.name} shows {owed} due on {text.day(today, today)}.{since}{how}\n"
        "If you have paid in the last few days, thank you, and please ignore this message.\n\n"
        f"{mess.payee_name or mess.name}\n"
    )
    return Mail(to=debtor.email, subject=f"{mess.name}: {owed} due", body=body)


async def remind_debtors(
    session: AsyncSession, actor: Actor, mess_id: int | None, now: datetime
) -> tuple[RemindersOut, list[Mail]]:
    """One email to every resident who owes (sent by the caller after commit); one audit entry for the action."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    today = local_today(now, mess.timezone)
    debtors = await repository.debtors(session, mess.id, None)
    reachable = [d for d in debtors if d.email]
    mails = [reminder_mail(mess, d, today) for d in reachable]
    out = RemindersOut(
        reminded=len(reachable), without_email=len(debtors) - len(reachable), total=sum(d.balance for d in reachable)
    )
    await audit(
        session,
        actor=actor,
        mess_id=mess.id,
        action="dues.remind",
        entity="mess",
        entity_id=mess.id,
        now=now,
        detail={**out.model_dump(), "residents": [d.resident_id for d in reachable]},
    )
    return out, mails
