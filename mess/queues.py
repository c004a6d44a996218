"""Queue names, task names and broker settings: the one place the producer (web) and the workers share.

The broker is Redis (MESS_REDIS_URL) or, with none configured, kombu's SQLAlchemy transport on a SQLite file.
Tasks are sent by name, so mess never imports workers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from celery import Celery

from mess.config import Settings, get_settings
from mess.kit import logs

DEFAULT_QUEUE = "default"
BILLING_QUEUE = "billing"
QUEUES = (DEFAULT_QUEUE, BILLING_QUEUE)
BILLING_TASK = "workers.tasks.billing.run_billing"
TASK_QUEUES = {BILLING_TASK: BILLING_QUEUE}  # every other task goes to DEFAULT_QUEUE
# Notifications (PRODUCT 7.3): send what the outbox holds now; send one delivery.
DISPATCH_NOTIFICATIONS_TASK = "workers.tasks.notifications.dispatch_notifications"
DELIVER_NOTIFICATION_TASK = "workers.tasks.notifications.deliver_notification"


def queue_name(base: str, settings: Settings | None = None) -> str:
    """Queue names, optionally prefixed (MESS_QUEUE_PREFIX) so several deployments or test sessions can share
    one Redis without taking each other's messages."""
    return f"{(settings or get_settings()).queue_prefix}{base}"


def broker_options(broker_url: str, visibility_timeout: int) -> dict[str, Any]:
    """Connection settings shared by the producer (web) and the worker."""
    options: dict[str, Any] = {
        "broker_connection_timeout": 3,
        "broker_connection_retry_on_startup": True,
    }
    if broker_url.startswith("redis"):
        options["broker_transport_options"] = {
            "socket_connect_timeout": 3,
            "socket_timeout": 15,
            "retry_on_timeout": True,
            # Unacknowledged (acks_late) tasks of a worker that died come back after this many seconds.
            "visibility_timeout": visibility_timeout,
            # Sweep for such messages every 10 s (a cheap sorted-set range), not every 10th sweep.
            "unacked_restore_throttle": 1,
        }
    return options


@lru_cache(maxsize=4)
def _producer(broker_url: str, visibility_timeout: int) -> Celery:
    app = Celery("mess-producer", broker=broker_url, set_as_current=False)
    app.conf.update(task_ignore_result=True, **broker_options(broker_url, visibility_timeout))
    return app


def send_task(settings: Settings, task: str, args: list[Any]) -> None:
    """Send a task by name to its queue, once (no retry: the caller decides what an unreachable broker means)."""
    queue = queue_name(TASK_QUEUES.get(task, DEFAULT_QUEUE), settings)
    request_id = logs.current_request_id()  # the worker's log lines of the task carry the request's id
    headers = {"mess_request_id": request_id} if request_id else None
    producer = _producer(settings.broker_url, settings.visibility_timeout)
    producer.send_task(task, args=args, queue=queue, retry=False, headers=headers)
