"""Daily rollups for analytics: rebuilt by the workers every few minutes (today and yesterday) and by the seed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess.errors import InvalidInput
from mess.kit.clock import utcnow
from mess.kit.dates import local_today, meal_end
from mess.messes.repository import list_slots
from mess.messes.service import load_mess
from mess.rollups import repository

CHUNK_DAYS = 31  # the calendar is a derived table of literals: keep each statement to a month
# SQLite's planner joins the derived tables with nested loops, so its cost grows with the square of the range: one
# day per statement there (60 demo days: ~13 s instead of minutes).
SQLITE_CHUNK_DAYS = 1


async def rebuild_rollups(
    session: AsyncSession, mess_id: int, start: date, end: date, now: datetime | None = None
) -> int:
    """Recompute DailyRollup rows of one mess for start..end (inclusive). Idempotent; only flushes."""
    if end < start:
        raise InvalidInput("the end of the range is before its start")
    mess = await load_mess(session, mess_id)
    now = now or utcnow()
    chunk = SQLITE_CHUNK_DAYS if session.get_bind().dialect.name == "sqlite" else CHUNK_DAYS
    rows, chunk_start = 0, start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + timedelta(days=chunk - 1))
        rows += await repository.replace_range(
            session, mess.id, mess.booking_mode == "opt_out", chunk_start, chunk_end, now
        )
        chunk_start = chunk_end + timedelta(days=1)
    today = local_today(now, mess.timezone)
    if end >= today:  # a meal whose serving window has not ended is in progress: nobody missed it yet
        slots = await list_slots(session, mess.id)
        unfinished = [s.id for s in slots if meal_end(today, s.serve_end, mess.timezone) > now]
        await repository.clear_unfinished(session, mess.id, today, unfinished, start, end)
    return rows


async def rebuild_recent(session: AsyncSession, mess_id: int, now: datetime) -> int:
    """Today and yesterday in the mess's time zone (what the 10-minute beat task keeps fresh)."""
    mess = await load_mess(session, mess_id)
    today = local_today(now, mess.timezone)
    return await rebuild_rollups(session, mess_id, today - timedelta(days=1), today, now)
