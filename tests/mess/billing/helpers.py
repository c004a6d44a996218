"""Running billing in tests the way the worker does (runner.execute_run with a run id)."""

from __future__ import annotations

from datetime import UTC, datetime

from mess.billing.runner import RunReport, execute_run
from mess.db.engine import Database
from mess.models import BillingRun

# Well after any month the tests bill.
LATER = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)


async def new_run(database: Database, mess_id: int, month: str, now: datetime = LATER) -> int:
    async with database.transaction() as session:
        run = BillingRun(mess_id=mess_id, month=month, status="queued", created_at=now)
        session.add(run)
        await session.flush()
        return run.id


async def run_month(
    database: Database, mess_id: int, month: str, *, batch_size: int | None = None, now: datetime = LATER
) -> RunReport:
    run_id = await new_run(database, mess_id, month, now)
    return await execute_run(database, run_id, lambda: now, batch_size=batch_size)
