"""OpenTelemetry traces: off by default, on when the standard OTEL_* variables ask for an exporter.

On: `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, or `OTEL_TRACES_EXPORTER=otlp`;
`OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off. Spans go over OTLP/HTTP (protobuf), batched,
to Tempo (or any collector); `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)` and the
`OTEL_BSP_*` batch settings are read by the SDK as documented.

Off, nothing of OpenTelemetry is imported and nothing is patched: no cost on any request or task.

What is traced: FastAPI requests (web), every SQL statement (SQLAlchemy: mess/db/engine calls create_async_engine
through its module so the instrumentation's wrapper sees it), Celery publishing (web and workers: the trace context
travels in the task's headers) and task runs (workers), Redis commands of the web process.
"""

from __future__ import annotations

import os
from typing import Any

_provider: Any = None
# Probes and scrapes make no spans.
EXCLUDED_URLS = "healthz,readyz,metrics"


def enabled(environ: Any = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER")
    if exporter is not None:
        return exporter.strip().lower() == "otlp"
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup(service_name: str, *, redis: bool = False) -> Any:
    """The process's TracerProvider, made once from the OTEL_* variables and set as the global one; None when off.
    SQLAlchemy and Celery are instrumented with it (Celery both ways: publishing and running tasks), Redis if asked
    (the web process; a worker's broker polls would be noise)."""
    global _provider
    if _provider is not None or not enabled():
        return _provider
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    instrument_libraries(provider, redis=redis)
    _provider = provider
    return provider


def instrument_libraries(provider: Any, *, redis: bool = False) -> None:
    """SQL statements, Celery publishing and task runs (and Redis commands if asked) traced with `provider`."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # skip_dep_check: the instrumentation declares sqlalchemy < 2.1; 2.1 keeps the engine events it listens to
    # (before/after_cursor_execute), and the tests check its spans.
    SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    CeleryInstrumentor().instrument(tracer_provider=provider)
    if redis:
        from opentelemetry.instrumentation.redis import RedisInstrumentor

        RedisInstrumentor().instrument(tracer_provider=provider)


def uninstrument_libraries() -> None:
    """Undo instrument_libraries (tests that trace with a provider of their own)."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    for instrumentor in (SQLAlchemyInstrumentor(), CeleryInstrumentor(), RedisInstrumentor()):
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()


def instrument_app(app: Any, provider: Any) -> None:
    """One server span per request of a FastAPI app (route template as its name), parent of its SQL and publishes."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=EXCLUDED_URLS)
