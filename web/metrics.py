"""HTTP metrics as a plain ASGI middleware (cheap on the hot path), and the /metrics endpoint."""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.openmetrics import exposition as openmetrics
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mess.kit import logs

REQUESTS = Counter("mess_http_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "mess_http_request_duration_seconds",
    "HTTP request duration",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge("mess_http_requests_in_flight", "Requests being served", multiprocess_mode="livesum")
POOL_CHECKED_OUT = Gauge("mess_db_pool_checked_out", "Database connections in use", multiprocess_mode="livesum")
POOL_SIZE = Gauge("mess_db_pool_size", "Database pool capacity (size + overflow)", multiprocess_mode="livesum")


def route_template(scope: Scope) -> str:
    """The matched route's path template (/api/v1/bookings/{date}/{slot}), never the raw path (bounded labels)."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            IN_FLIGHT.dec()
            route = route_template(scope)
            method = scope.get("method", "GET")
            REQUESTS.labels(method, route, str(status)).inc()
            # With tracing on, the bucket's exemplar names this request's trace (Grafana opens it in Tempo).
            ids = logs.trace_ids()
            exemplar = {"trace_id": ids[0]} if ids is not None else None
            LATENCY.labels(method, route).observe(time.perf_counter() - started, exemplar)


def observe_pool(engine: Any) -> None:
    pool = engine.sync_engine.pool
    checked_out = getattr(pool, "checkedout", None)
    size = getattr(pool, "size", None)
    if callable(checked_out) and callable(size):
        POOL_CHECKED_OUT.set(checked_out())
        POOL_SIZE.set(size() + max(getattr(pool, "_max_overflow", 0), 0))


def metrics_response(request: Request) -> Response:
    observe_pool(request.app.state.database.engine)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # several processes: no exemplars (prometheus_client keeps none)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    if "application/openmetrics-text" in request.headers.get("accept", ""):  # Prometheus asks for it: exemplars
        return Response(openmetrics.generate_latest(REGISTRY), media_type=openmetrics.CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
