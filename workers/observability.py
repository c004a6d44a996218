"""Logs and traces of the workers and beat: the one logging setup (mess.kit.logs), each task's context on its
lines, and OpenTelemetry (mess.kit.tracing) when the OTEL_* variables turn it on.

Celery's `setup_logging` signal hands logging to us (Celery then leaves the root logger alone). A task's lines
carry its id and name, and the request id of the web request (or the task) that queued it: the producer puts it in
the message headers (`mess_request_id`, mess/queues.send_task; before_task_publish here for tasks a task queues).
"""

from __future__ import annotations

from typing import Any

from celery import signals

from mess.config import get_settings
from mess.kit import logs, tracing

REQUEST_ID_HEADER = "mess_request_id"
_tokens: dict[str, Any] = {}


@signals.setup_logging.connect
def _setup_logging(**_: Any) -> None:
    logs.configure(get_settings())


@signals.worker_init.connect
def _trace_worker(**_: Any) -> None:
    tracing.setup("mess-worker")  # off unless OTEL_* ask for it; a task's span continues its producer's trace


@signals.beat_init.connect
def _trace_beat(**_: Any) -> None:
    tracing.setup("mess-beat")


@signals.before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = logs.current_request_id()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


def request_id_of(task: Any) -> str | None:
    request = getattr(task, "request", None)
    value = getattr(request, REQUEST_ID_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        REQUEST_ID_HEADER
    )
    return str(value) if value else None


@signals.task_prerun.connect
def _bind_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id:
        context = logs.LogContext(request_id=request_id_of(task), task_id=task_id, task=getattr(task, "name", None))
        _tokens[task_id] = logs.bind(context)


@signals.task_postrun.connect
def _unbind_task(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        logs.unbind(token)
