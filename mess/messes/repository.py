from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Mess, Slot


async def get_mess(session: AsyncSession, mess_id: int) -> Mess | None:
    return await session.get(Mess, mess_id)


async def get_mess_by_code(session: AsyncSession, code: str) -> Mess | None:
    return (await session.execute(select(Mess).where(Mess.code == code))).scalar_one_or_none()


async def list_messes(session: AsyncSession, mess_id: int | None = None) -> list[Mess]:
    query = select(Mess).order_by(Mess.id)
    if mess_id is not None:
        query = query.where(Mess.id == mess_id)
    return list((await session.execute(query)).scalars())


async def list_slots(session: AsyncSession, mess_id: int) -> list[Slot]:
    query = select(Slot).where(Slot.mess_id == mess_id).order_by(Slot.serve_start, Slot.position, Slot.id)
    return list((await session.execute(query)).scalars())


async def get_slot_by_code(session: AsyncSession, mess_id: int, code: str) -> Slot | None:
    query = select(Slot).where(Slot.mess_id == mess_id, Slot.code == code)
    return (await session.execute(query)).scalar_one_or_none()


_SLOT_ROWS = (
    select(Slot.id, Slot.code, Slot.name, Slot.serve_start, Slot.serve_end, Slot.cutoff_minutes)
    .where(Slot.mess_id == bindparam("mess_id", type_=Integer))
    .order_by(Slot.serve_start, Slot.position, Slot.id)
)


async def slot_rows(session: AsyncSession, mess_id: int) -> list[Any]:
    """The mess's slots as columns (what SlotOut shows), in serving order, as list_slots: built once, run on the
    session's connection (every page that shows the meals asks)."""
    connection = await session.connection()
    return list((await connection.execute(_SLOT_ROWS, {"mess_id": mess_id})).all())
