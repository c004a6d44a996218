"""A billing run as the worker's unit of work, by run id: bills replaced in one transaction (docs/billing.md, Runs)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError, OperationalError

from mess.billing import repository, service
from mess.db.engine import Database
from mess.errors import MessError
from mess.messes.service import load_mess

log = logging.getLogger(__name__)

FINISHED = ("succeeded", "failed")


@dataclass(frozen=True)
class RunReport:
    run_id: int
    mess_id: int
    mess_code: str
    month: str
    status: str  # succeeded | failed | skipped (already finished earlier: a redelivered message)
    outcome: str  # billed | already_issued | error
    bill_count: int = 0
    amount: int = 0
    message: str = ""


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying: lost connections, a restarting server, SQLite busy, serialization failures."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


async def execute_run(
    database: Database,
    run_id: int,
    clock: Callable[[], datetime],
    *,
    batch_size: int | None = None,
    final_attempt: bool = True,
) -> RunReport:
    batch_size = batch_size or database.settings.billing_batch_size
    async with database.transaction() as session:
        run = await repository.get_run(session, run_id)
        if run is None:
            raise LookupError(f"billing run {run_id} does not exist")
        mess = await load_mess(session, run.mess_id)
        if run.status in FINISHED:
            return RunReport(run.id, mess.id, mess.code, run.month, "skipped", run.status, run.bill_count, run.amount)
        await repository.set_run(session, run_id, status="running", started_at=clock(), message="")
    month, mess_id, mess_code = run.month, mess.id, mess.code
    postgres = database.engine.dialect.name == "postgresql"

    async def progress(processed: int, total: int) -> None:
        # A separate short transaction, so the warden watches the run advance; SQLite holds one writer at a
        # time (the run itself), so there the figures appear when the run commits.
        if postgres:
            async with database.transaction() as side:
                await repository.set_run(side, run_id, processed=processed, total=total)

    try:
        async with database.transaction() as session:
            if not postgres:
                # First statement is a write: on SQLite it takes the write lock for the whole run. (On PostgreSQL
                # the advisory lock does that, and the run row stays free for the progress updates.)
                await repository.set_run(session, run_id, status="running")
            mess = await load_mess(session, mess_id)
            result = await service.bill_month(
                session, mess, month, run_id=run_id, now=clock(), batch_size=batch_size, progress=progress
            )
            message = (
                f"already_issued: the bills of {month} are issued; nothing changed"
                if result.status == "already_issued"
                else f"{result.bill_count} bills, total {result.amount}"
            )
            await repository.set_run(
                session,
                run_id,
                status="succeeded",
                processed=result.residents,
                total=result.residents,
                bill_count=result.bill_count,
                amount=result.amount,
                message=message,
                finished_at=clock(),
            )
        outcome = "already_issued" if result.status == "already_issued" else "billed"
        return RunReport(
            run_id, mess_id, mess_code, month, "succeeded", outcome, result.bill_count, result.amount, message
        )
    except Exception as exc:
        transient = is_transient(exc)
        text = exc.message if isinstance(exc, MessError) else f"{exc.__class__.__name__}: {exc}"
        if transient and not final_attempt:
            log.warning("billing run %s hit a transient error, will retry: %s", run_id, text)
            await _note(database, run_id, f"retrying after: {text}"[:2000])
            raise
        log.exception("billing run %s failed", run_id)
        await _fail(database, run_id, text[:2000], clock())
        if transient:
            raise
        return RunReport(run_id, mess_id, mess_code, month, "failed", "error", message=text)


async def _note(database: Database, run_id: int, message: str) -> None:
    try:
        async with database.transaction() as session:
            await repository.set_run(session, run_id, message=message)
    except Exception:
        log.warning("could not record the retry note of run %s", run_id)


async def _fail(database: Database, run_id: int, message: str, now: datetime) -> None:
    try:
        async with database.transaction() as session:
            await repository.set_run(session, run_id, status="failed", message=message, finished_at=now)
    except Exception:
        log.warning("could not mark run %s failed", run_id)
