"""A resident as the warden sees them on one page: this month's meals and leaves, money, check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.bookings.service import list_bookings
from mess.checkins import repository as checkins
from mess.kit.dates import local_today, month_bounds
from mess.leaves.schemas import LeaveOut
from mess.leaves.service import list_leaves
from mess.ledger.schemas import LedgerEntryOut
from mess.ledger.service import ledger
from mess.models import Mess, UserAccount
from mess.residents import repository
from mess.residents.schemas import ResidentOut
from mess.residents.service import get_resident


@dataclass
class Profile:
    resident: ResidentOut
    has_password: bool
    month_start: date
    month_end: date
    meals_booked: int
    meals_booked_so_far: int
    guests: int
    leaves: list[LeaveOut]
    balance: int
    recent_ledger: list[LedgerEntryOut]
    checkins: list[tuple[Any, ...]]


async def resident_profile(session: AsyncSession, actor: Actor, mess: Mess, resident_id: int, now: datetime) -> Profile:
    resident = await get_resident(session, actor, resident_id)
    today = local_today(now, mess.timezone)
    first, last = month_bounds(today.strftime("%Y-%m"))
    bookings = await list_bookings(session, actor, first, last, resident_id, now)
    leaves = await list_leaves(
        session, actor, status=None, resident_id=resident_id, start=first, end=last, mess_id=None, limit=50, offset=0
    )
    money = await ledger(session, actor, resident_id)
    row = await repository.get(session, resident_id)
    user = await session.get(UserAccount, row.user_id) if row else None
    booked = [b for b in bookings if b.booked]
    return Profile(
        resident=resident,
        has_password=bool(user and user.password_hash),
        month_start=first,
        month_end=last,
        meals_booked=len(booked),
        meals_booked_so_far=sum(1 for b in booked if b.date <= today),
        guests=sum(b.guests for b in booked),
        leaves=list(leaves),
        balance=money.balance,
        recent_ledger=sorted(money.entries, key=lambda e: (e.entry_date, e.id), reverse=True)[:10],
        checkins=await checkins.recent_for_resident(session, resident_id, 15),
    )
