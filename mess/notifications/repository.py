"""Notification SQL: who has not yet chosen for a meal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from mess.bookings.repository import effective_bookings
from mess.models import Resident


async def unchosen_residents(session: AsyncSession, mess_id: int, slot_id: int, day: date) -> list[tuple[str, str]]:
    """(email, name) of the residents of the mess that day who made no choice for the meal (booked nothing,
    cancelled nothing) and are not on leave, in resident order."""
    meal = effective_bookings(mess_id, False, day, day, slot_id=slot_id).order_by(None).subquery("meal")
    query = (
        select(Resident.email, Resident.name)
        .join(meal, meal.c.resident_id == Resident.id)
        .where(meal.c.source == "default", meal.c.booked != true())
        .order_by(Resident.id)
    )
    return [(row.email, row.name) for row in (await session.execute(query)).all()]
