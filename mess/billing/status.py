"""Which months of a mess are billed and issued: read by corrections, the issue confirmation and the month-end."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mess.models import Bill


async def billed_months(session: AsyncSession, mess_id: int, first: str, last: str | None) -> dict[str, bool]:
    """Months in first..last (None: no end) that have bills, each with whether it is issued."""
    issued = func.max(func.coalesce(func.nullif(Bill.status, "draft"), ""))
    query = select(Bill.month, issued).where(Bill.mess_id == mess_id, Bill.month >= first)
    if last is not None:
        query = query.where(Bill.month <= last)
    rows = (await session.execute(query.group_by(Bill.month).order_by(Bill.month))).all()
    return {month: status == "issued" for month, status in rows}
