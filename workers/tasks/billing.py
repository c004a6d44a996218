"""Billing tasks: one run (by id), and the beat task that starts each mess's monthly run when it is due."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from sqlalchemy.exc import DBAPIError, OperationalError

from mess.billing import service
from mess.billing.runner import execute_run, is_transient
from mess.db.engine import Database
from mess.kit.clock import utcnow
from mess.messes.repository import list_messes
from mess.queues import BILLING_QUEUE, BILLING_TASK, queue_name
from workers.celery_app import celery_app
from workers.metrics import record_billing
from workers.tasks import backoff, run_async

log = logging.getLogger(__name__)
MAX_RETRIES = 5


@celery_app.task(name=BILLING_TASK, bind=True, acks_late=True, max_retries=MAX_RETRIES)
def run_billing(self: Task, run_id: int) -> dict[str, Any]:
    """Idempotent: a redelivered or repeated message recomputes the same bills (or sees the run finished)."""
    started = time.monotonic()
    final = self.request.retries >= MAX_RETRIES
    try:
        report = run_async(lambda database: execute_run(database, run_id, utcnow, final_attempt=final))
    except (OperationalError, DBAPIError) as exc:
        if is_transient(exc) and not final:
            raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
        raise
    if report.status != "skipped":
        record_billing(
            report.mess_code, report.month, report.status, time.monotonic() - started, report.bill_count, report.amount
        )
    if report.status == "failed":
        raise RuntimeError(f"billing run {run_id} failed: {report.message}")
    return {"run_id": run_id, "status": report.status, "outcome": report.outcome, "bills": report.bill_count}


@celery_app.task(
    name="workers.tasks.billing.bill_due_months",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=MAX_RETRIES,
)
def bill_due_months() -> list[int]:
    """Every 15 minutes: for each mess whose previous month is due (02:00 local on the 1st) and not yet run,
    create the run, commit, then enqueue its id."""

    async def plan(database: Database) -> list[int]:
        created = []
        async with database.read_only() as session:
            messes = await list_messes(session)
        for mess in messes:
            async with database.transaction() as session:
                run = await service.schedule_run(session, mess, utcnow())
            if run is not None:
                created.append(run.id)
        return created

    run_ids = run_async(plan)
    for run_id in run_ids:
        log.info("scheduled billing run %s", run_id)
        run_billing.apply_async(args=[run_id], queue=queue_name(BILLING_QUEUE))
    return run_ids
