"""Handing work to the Celery workers from a page, by task name (web never imports workers)."""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Celery
from fastapi import Request

log = logging.getLogger(__name__)

# The Celery task that executes a billing run (mess.billing.runner.execute_run) by id.
BILLING_TASK = "workers.tasks.billing.run_billing"
BILLING_QUEUE = "billing"


@lru_cache(maxsize=4)
def _producer(broker_url: str) -> Celery:
    app = Celery("mess-web", broker=broker_url)
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_timeout = 3
    return app


def enqueue_billing_run(request: Request, run_id: int) -> bool:
    """Queue the run; False when the broker cannot be reached (the run stays queued for a later pick-up)."""
    settings = request.app.state.settings
    try:
        _producer(settings.broker_url).send_task(BILLING_TASK, args=[run_id], queue=BILLING_QUEUE, retry=False)
    except Exception:
        log.warning("could not queue billing run %s", run_id, exc_info=True)
        return False
    return True
