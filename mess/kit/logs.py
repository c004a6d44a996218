"""One logging setup for every process (`mess serve`, `worker`, `beat`, `analytics`, the CLI).

MESS_LOG_FORMAT chooses the shape: `text` (readable, the default on a laptop) or `json` (one object per line, set
in the containers and on Kubernetes, read by the log agent into Loki). Every line carries what is known of the
event's context: the request id (web) or the task id and the request id that queued it (workers), the trace and
span ids when tracing is on, the mess and user ids of a signed-in caller.

The context is one mutable object per request or task in a ContextVar: a dependency that learns the caller
(web/deps.get_actor) fills it in, and the access log line written when the response ends sees it.

Never a secret: messages are formatted by the code that logs them (no request bodies or headers are logged), and
the formatter masks a password in any URL (`scheme://user:***@host`) and the configured secrets, wherever they
appear, as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

LOG_FORMATS = ("text", "json")
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@")
# Fields of the JSON line, in order; `extra={...}` of a log call may add others (access logs: method, route...).
# uvicorn's color_message repeats the message with terminal colour codes.
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",
}


@dataclass(slots=True)
class LogContext:
    """What is known of the request or task a log line belongs to."""

    request_id: str | None = None
    task_id: str | None = None
    task: str | None = None
    user_id: int | None = None
    mess_id: int | None = None


_context: ContextVar[LogContext | None] = ContextVar("mess_log_context", default=None)


def current_context() -> LogContext | None:
    return _context.get()


def bind(context: LogContext | None) -> Any:
    """Make `context` the current one; returns the token for `unbind`."""
    return _context.set(context)


def unbind(token: Any) -> None:
    _context.reset(token)


def current_request_id() -> str | None:
    context = _context.get()
    return context.request_id if context is not None else None


def trace_ids() -> tuple[str, str] | None:
    """The current span's trace and span ids (hex), when tracing is on; None costs one dict lookup when off."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:  # OpenTelemetry never imported: tracing is off
        return None
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")


class Redactor:
    """Masks passwords in URLs and every configured secret value."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        if "://" in text:
            text = _URL_PASSWORD.sub(r"\g<scheme>\g<user>:***@", text)
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text


def _context_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    context = _context.get()
    if context is not None:
        for name in ("request_id", "task_id", "task", "user_id", "mess_id"):
            value = getattr(context, name)
            if value is not None:
                fields[name] = value
    ids = trace_ids()
    if ids is not None:
        fields["trace_id"], fields["span_id"] = ids
    return fields


@lru_cache(maxsize=4)
def _utc_second(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601 with milliseconds), level, logger, message, the context
    fields, any `extra` fields of the call, and the exception's traceback when there is one."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _utc_second(int(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        line.update(_context_fields(record))
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_") and key not in line:
                line[key] = value if isinstance(value, int | float | bool | type(None)) else self.redact(str(value))
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = self.redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal: time, level, logger, message, then the context as key=value."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
        self.redact = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _RESERVED and not k.startswith("_")}
        extras.update(_context_fields(record))
        extras.pop("span_id", None)
        if extras:
            text += "  " + " ".join(f"{key}={value}" for key, value in extras.items())
        return self.redact(text)


def secrets_of(settings: Any) -> list[str]:
    """The secret values a settings object holds (the signing key, SMTP and OIDC secrets, database passwords)."""
    found = []
    for name in ("secret_key", "smtp_password", "oidc_client_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    for name in ("database_url", "database_read_url", "redis_url"):
        match = _URL_PASSWORD.search(getattr(settings, name, None) or "")
        if match:
            found.append(match.group("password"))
    return found


def make_formatter(log_format: str, settings: Any = None) -> logging.Formatter:
    redactor = Redactor(secrets_of(settings) if settings is not None else ())
    return JsonFormatter(redactor) if log_format == "json" else TextFormatter(redactor)


def configure(settings: Any, *, stream: Any = None) -> None:
    """The root logger writes to stderr in the chosen format at MESS_LOG_LEVEL; library loggers propagate to it.
    Idempotent: a second call replaces the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(make_formatter(settings.log_format, settings))
    handler.set_name("mess")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "mess"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    logging.captureWarnings(True)  # Python warnings (deprecations at import) become lines of the same shape
    # uvicorn's and gunicorn's loggers go through ours (no handlers of their own); uvicorn's access log is ours.
    for name in ("uvicorn", "uvicorn.error", "gunicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def logconfig_dict(settings: Any) -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its own lines (boot, worker starts and exits) in the same format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "mess": {"()": "mess.kit.logs.make_formatter", "log_format": settings.log_format, "settings": settings}
        },
        "handlers": {"mess": {"class": "logging.StreamHandler", "formatter": "mess", "stream": "ext://sys.stderr"}},
        "root": {"level": settings.log_level.upper(), "handlers": ["mess"]},
        "loggers": {
            "gunicorn.error": {"level": settings.log_level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }
