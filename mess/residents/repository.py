from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Resident


async def get(session: AsyncSession, resident_id: int) -> Resident | None:
    return await session.get(Resident, resident_id)


async def get_by_roll_no(session: AsyncSession, roll_no: str) -> Resident | None:
    """The resident whose roll number matches ignoring case (unique on lower(roll_no))."""
    query = select(Resident).where(func.lower(Resident.roll_no) == roll_no.strip().lower())
    return (await session.execute(query)).scalar_one_or_none()


async def search(session: AsyncSession, mess_id: int, q: str | None, limit: int, offset: int) -> list[Resident]:
    query = select(Resident).where(Resident.mess_id == mess_id)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Resident.name).like(pattern), func.lower(Resident.roll_no).like(pattern)))
    query = query.order_by(Resident.roll_no).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars())
