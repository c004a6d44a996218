"""Request ids and access logs as a plain ASGI middleware (no BaseHTTPMiddleware: no extra task per request).

The request id is the caller's `X-Request-ID` when it is a sane token (a proxy or load balancer made it), else a
new one; it is returned in the response's `X-Request-ID`, carried on every log line of the request and in the
headers of any task the request queues (workers/observability.py). One access line per request when the response
ends: method, route template (never the raw path: no ids or tokens in it), status and duration. Probes and
scrapes (/healthz, /readyz, /metrics) are logged at DEBUG.
"""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mess.kit import logs
from web.metrics import route_template

log = logging.getLogger("mess.access")
REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value.decode("ascii") if _SANE_ID.fullmatch(value) else None
    return None


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or os.urandom(16).hex()
        context = logs.LogContext(request_id=request_id)
        token = logs.bind(context)
        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Logged here with the request's id; the server error middleware outside answers the 500.
            log.exception("unhandled error in %s %s", scope.get("method"), route_template(scope))
            raise
        finally:
            route = route_template(scope)
            level = logging.DEBUG if route in _QUIET_ROUTES else logging.INFO
            if log.isEnabledFor(level):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                method = scope.get("method", "GET")
                fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms}
                # makeRecord + handle, not log.log: no walk up the stack for a caller the line does not show.
                args = (method, route, status, duration_ms)
                log.handle(log.makeRecord(log.name, level, "", 0, "%s %s %s %.1f ms", args, None, extra=fields))
            logs.unbind(token)
