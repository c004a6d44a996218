"""Worker and beat metrics (names fixed in the contract), moved by Celery signals and a refresher thread.

The worker serves them on MESS_WORKER_METRICS_PORT (9808), beat on MESS_BEAT_METRICS_PORT (9809).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from celery import Celery, signals
from prometheus_client import Counter, Gauge, Histogram, start_http_server

from mess.config import get_settings
from mess.queues import QUEUES, queue_name

log = logging.getLogger(__name__)

TASK_RUNS = Counter("mess_task_runs", "Celery task runs by final state", ["task", "state"])
TASK_DURATION = Histogram(
    "mess_task_duration_seconds",
    "Celery task duration",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
QUEUE_DEPTH = Gauge("mess_queue_depth", "Messages waiting in a queue", ["queue"])
BILLING_DURATION = Histogram(
    "mess_billing_run_duration_seconds", "Billing run duration", buckets=(0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
)
BILLING_RUNS = Counter("mess_billing_runs", "Billing runs by outcome", ["mess", "status"])
BILLING_BILLS = Counter("mess_billing_bills", "Bills produced by billing runs", ["mess"])
BILLING_AMOUNT = Counter("mess_billing_amount_minor", "Amount billed by billing runs, in minor units", ["mess"])
BILLING_LAST_SUCCESS = Gauge(
    "mess_billing_last_success_timestamp_seconds", "When the last billing run of a mess succeeded", ["mess"]
)
BILLING_LAST_MONTH = Gauge("mess_billing_last_month_billed", "YYYYMM of the last month billed", ["mess"])
BEAT_HEARTBEAT = Gauge("mess_beat_heartbeat_timestamp_seconds", "Last tick of Celery beat")
UNFROZEN_MEALS = Gauge("mess_headcount_unfrozen_meals", "Meals past cutoff today without a frozen headcount", ["mess"])
WINDOW_OPEN = Gauge("mess_serving_window_open", "1 while a slot is inside its serving window", ["mess", "slot"])

REFRESH_SECONDS = 15
_started: dict[str, float] = {}
_stop = threading.Event()


def month_number(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 100 + int(mon)


# --- task signals -------------------------------------------------------------------------------------------


@signals.task_prerun.connect
def _prerun(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _postrun(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    name = getattr(task, "name", "unknown")
    if started is not None:
        TASK_DURATION.labels(name).observe(time.monotonic() - started)
    if state == "SUCCESS":
        TASK_RUNS.labels(name, "succeeded").inc()


@signals.task_failure.connect
def _failure(sender: Any = None, **_: Any) -> None:
    TASK_RUNS.labels(getattr(sender, "name", "unknown"), "failed").inc()


@signals.task_retry.connect
def _retry(sender: Any = None, **_: Any) -> None:
    TASK_RUNS.labels(getattr(sender, "name", "unknown"), "retried").inc()


def record_billing(mess_code: str, month: str, status: str, seconds: float, bills: int, amount: int) -> None:
    BILLING_DURATION.observe(seconds)
    BILLING_RUNS.labels(mess_code, status).inc()
    if status == "succeeded":
        BILLING_BILLS.labels(mess_code).inc(bills)
        BILLING_AMOUNT.labels(mess_code).inc(max(amount, 0))
        BILLING_LAST_SUCCESS.labels(mess_code).set(time.time())
        BILLING_LAST_MONTH.labels(mess_code).set(max(month_number(month), _last_month(mess_code)))


def _last_month(mess_code: str) -> float:
    for metric in BILLING_LAST_MONTH.collect():
        for sample in metric.samples:
            if sample.labels.get("mess") == mess_code:
                return sample.value
    return 0


# --- gauges refreshed from the broker and the database ------------------------------------------------------


def refresh_queue_depth(app: Celery, queues: list[str]) -> None:
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in queues:
            try:
                depth = channel.queue_declare(queue=queue, passive=True).message_count
            except Exception:
                depth = 0
            QUEUE_DEPTH.labels(queue).set(depth)


async def refresh_from_database() -> None:
    """Gauges whose truth is in the database, so a restarted worker (or a second replica) reports them too."""
    from mess.billing import repository as billing
    from mess.db.engine import Database
    from mess.headcount.service import serving_windows, unfrozen_meals
    from mess.kit.clock import utcnow
    from mess.messes.repository import list_messes

    database = Database(get_settings(), null_pool=True)
    try:
        async with database.read_only() as session:
            now = utcnow()
            for mess in await list_messes(session):
                month = await billing.succeeded_month(session, mess.id)
                if month:
                    BILLING_LAST_MONTH.labels(mess.code).set(max(month_number(month), _last_month(mess.code)))
            for code, count in (await unfrozen_meals(session, now)).items():
                UNFROZEN_MEALS.labels(code).set(count)
            for code, slot, is_open in await serving_windows(session, now):
                WINDOW_OPEN.labels(code, slot).set(1 if is_open else 0)
    finally:
        await database.dispose()


def _refresher(app: Celery, queues: list[str]) -> None:
    while not _stop.is_set():
        try:
            refresh_queue_depth(app, queues)
        except Exception as exc:
            log.warning("queue depth refresh failed: %s", exc)
        try:
            asyncio.run(refresh_from_database())
        except Exception as exc:
            log.warning("database gauge refresh failed: %s", exc)
        _stop.wait(REFRESH_SECONDS)


def serve(port: int, what: str) -> None:
    try:
        start_http_server(port, addr="0.0.0.0")  # nosec B104 - scraped by Prometheus from outside the pod
        log.info("%s metrics on :%s/metrics", what, port)
    except OSError as exc:
        log.error("cannot serve %s metrics on port %s: %s", what, port, exc)


@signals.worker_ready.connect
def _worker_ready(sender: Any = None, **_: Any) -> None:
    serve(get_settings().worker_metrics_port, "worker")
    queues = [queue_name(queue) for queue in QUEUES]
    # The sender is the worker's consumer: its app is ours (importing workers.celery_app here would be a circle).
    threading.Thread(target=_refresher, args=(sender.app, queues), name="mess-metrics", daemon=True).start()


@signals.worker_shutdown.connect
def _worker_shutdown(**_: Any) -> None:
    _stop.set()


@signals.beat_init.connect
def _beat_init(**_: Any) -> None:
    BEAT_HEARTBEAT.set(time.time())
    serve(get_settings().beat_metrics_port, "beat")
