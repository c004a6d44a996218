"""All feedback SQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Feedback, Slot


async def upsert(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int,
    meal_date: date,
    slot_id: int,
    rating: int,
    comment: str,
    now: datetime,
) -> Feedback:
    """One rating per resident and meal: a second one replaces the first (one statement, safe under concurrency)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Feedback).values(
        mess_id=mess_id,
        resident_id=resident_id,
        meal_date=meal_date,
        slot_id=slot_id,
        rating=rating,
        comment=comment,
        created_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["resident_id", "meal_date", "slot_id"],
        set_={key: statement.excluded[key] for key in ("rating", "comment", "created_at")},
    )
    await session.execute(statement)
    query = select(Feedback).where(
        Feedback.resident_id == resident_id, Feedback.meal_date == meal_date, Feedback.slot_id == slot_id
    )
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one()


async def search(
    session: AsyncSession,
    *,
    mess_id: int,
    resident_id: int | None,
    start: date,
    end: date,
    slot_id: int | None,
    limit: int,
    offset: int,
) -> list[tuple[Feedback, str]]:
    query = (
        select(Feedback, Slot.code)
        .join(Slot, Slot.id == Feedback.slot_id)
        .where(Feedback.mess_id == mess_id, Feedback.meal_date >= start, Feedback.meal_date <= end)
    )
    if resident_id is not None:
        query = query.where(Feedback.resident_id == resident_id)
    if slot_id is not None:
        query = query.where(Feedback.slot_id == slot_id)
    query = query.order_by(Feedback.meal_date, Slot.serve_start, Feedback.id).limit(limit).offset(offset)
    return [(row, code) for row, code in (await session.execute(query)).all()]
