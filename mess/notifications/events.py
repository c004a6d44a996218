"""Who is told what, and when (PRODUCT 7.3): a leave decided, a bill issued, a menu changed close to its meal.

Every event is an inbox row per person, once per (person, event key), and an outbox row per channel the person
wants (email, each push subscription); a worker sends those outside the person's quiet hours. The services that
make the change call these in the same transaction, so the notification exists exactly when the change does.
The cutoff reminders are in mess/notifications/reminders.py.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from mess import text
from mess.kit.dates import local_instant, local_today
from mess.models import Leave, Mess, Slot
from mess.notifications import repository

# The request (or task) that wrote notifications finds this in session.info and wakes the sender after commit.
PENDING = "notifications.pending"
MENU_NOTICE = timedelta(hours=48)  # a change to a meal served within the next two days is news


def _pending(session: AsyncSession, mess_id: int) -> None:
    session.info.setdefault(PENDING, set()).add(mess_id)


async def tell(
    session: AsyncSession,
    recipients: Select[Any],
    *,
    mess_id: int,
    event_key: str,
    kind: str,
    title: str,
    body: str,
    link: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> int:
    """One event, the same words for every recipient. Inbox rows added (0 when already told)."""
    added = await repository.add_notifications(
        session,
        recipients,
        mess_id=mess_id,
        event_key=event_key,
        kind=kind,
        title=title,
        body=body,
        link=link,
        now=now,
        expires_at=expires_at,
    )
    if added:
        await repository.add_deliveries(session, mess_id, event_key, now)
        _pending(session, mess_id)
    return added


async def leave_decided(session: AsyncSession, mess: Mess, leave: Leave, now: datetime) -> int:
    """The resident hears the decision, with the warden's note when there is one."""
    today = local_today(now, mess.timezone)
    period = text.span(leave.start_date, leave.end_date, today)
    word = "approved" if leave.status == "approved" else "not approved"
    title = f"Leave {word}: {period}"
    body = f"The warden {'approved' if leave.status == 'approved' else 'rejected'} your leave {period}."
    if leave.status == "approved":
        body += " Your meals on those days are cancelled."
    if leave.note:
        body += f" Note from the warden: {leave.note}"
    return await tell(
        session,
        repository.resident_recipient(leave.resident_id),
        mess_id=mess.id,
        event_key=f"leave:{leave.id}:{leave.status}",
        kind="leave",
        title=title,
        body=body,
        link="/me/leaves",
        now=now,
    )


async def bill_issued(session: AsyncSession, mess: Mess, month: str, now: datetime) -> int:
    """Every resident with an issued bill of the month hears its amount and due date."""
    today = local_today(now, mess.timezone)
    event_key = f"bill:{month}"
    rows = [
        {
            "user_id": user_id,
            "mess_id": mess.id,
            "event_key": event_key,
            "kind": "bill",
            "title": f"Your bill for {text.month(month)}: {text.money(total, mess.currency)}",
            "body": f"Your mess bill for {text.month(month)} is {text.money(total, mess.currency)}"
            + (f", due by {text.day(due, today)}." if due else "."),
            "link": f"/bills/{bill_id}",
            "created_at": now,
            "expires_at": None,
        }
        for user_id, bill_id, total, due in await repository.issued_bills(session, mess.id, month)
    ]
    added = await repository.add_notification_rows(session, rows)
    if added:
        await repository.add_deliveries(session, mess.id, event_key, now)
        _pending(session, mess.id)
    return added


def _dishes_digest(dishes: list[str]) -> str:
    return hashlib.sha256("\n".join(dishes).encode()).hexdigest()[:16]


async def menu_changed(
    session: AsyncSession, mess: Mess, slot: Slot, day: date, dishes: list[str], now: datetime
) -> int:
    """A meal served within the next two days got a new menu: the residents of the mess that day hear it. The
    same menu set twice is one event; each different menu is another."""
    serves = local_instant(day, slot.serve_start, mess.timezone)
    if not now < serves <= now + MENU_NOTICE:
        return 0
    today = local_today(now, mess.timezone)
    when = f"{slot.name} on {text.day(day, today)}"
    body = f"Now on the menu: {', '.join(dishes)}." if dishes else "No dishes are listed for it any more."
    return await tell(
        session,
        repository.present_recipients(mess.id, day),
        mess_id=mess.id,
        event_key=f"menu:{day.isoformat()}:{slot.id}:{_dishes_digest(dishes)}",
        kind="menu",
        title=f"Menu changed: {when}",
        body=body,
        link=f"/week?start={day.isoformat()}",
        now=now,
    )
