"""Structured logs of the web app: one JSON access line per request with its request id (the caller's X-Request-ID
or a new one, returned in the response), the route template, status and duration, and the caller's user and mess
ids once signed in."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mess.kit import logs, tracing
from web.main import create_app


@pytest.fixture
def json_lines(settings) -> Iterator[io.StringIO]:  # type: ignore[no-untyped-def]
    """The root logger's lines, formatted as in the containers (MESS_LOG_FORMAT=json), at INFO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.make_formatter("json", settings))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def access_lines(stream: io.StringIO) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "mess.access"]


async def test_access_line_carries_request_id_route_and_caller(client, world, json_lines):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    response = await client.put("/api/v1/bookings/2026-03-20/lunch", headers=resident.headers)
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    [line] = [line for line in access_lines(json_lines) if line["request_id"] == request_id]
    assert line["level"] == "INFO" and line["time"].endswith("Z")  # type: ignore[union-attr]
    assert line["method"] == "PUT" and line["route"] == "/api/v1/bookings/{date}/{slot}"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float)
    assert line["user_id"] == resident.id and line["mess_id"] == mess.id
    assert "2026-03-20" not in json.dumps(line)  # the template, never the raw path


async def test_callers_request_id_is_kept_and_a_bad_one_replaced(client, json_lines):
    kept = await client.get("/login", headers={"X-Request-ID": "lb-7f3a.91:2"})
    assert kept.headers["x-request-id"] == "lb-7f3a.91:2"
    replaced = await client.get("/login", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 200})
    assert replaced.headers["x-request-id"] != "bad id" and len(replaced.headers["x-request-id"]) == 32
    ids = [line["request_id"] for line in access_lines(json_lines)]
    assert ids == ["lb-7f3a.91:2", replaced.headers["x-request-id"]]
    assert all("user_id" not in line for line in access_lines(json_lines))  # nobody signed in


async def test_failed_sign_in_logs_no_password(client, world, json_lines):
    mess = await world.mess()
    await world.resident(mess.id)
    password = "never-logged-Qw81Zx"  # nosec B105 - a test value
    refused = await client.post("/api/v1/auth/token", data={"username": "nobody", "password": password})
    assert refused.status_code == 401
    text = json_lines.getvalue()
    assert password not in text and refused.headers["x-request-id"] in text


def test_formatter_masks_url_passwords_and_configured_secrets(settings):
    record = logging.LogRecord("mess.test", logging.WARNING, __file__, 1, "%s", None, None)
    secret = settings.secret_key.get_secret_value()
    record.args = (f"postgresql://mess:hunter2-pw@db:5432/mess failed; key {secret}",)
    for log_format in ("json", "text"):
        line = logs.make_formatter(log_format, settings).format(record)
        assert "hunter2-pw" not in line and secret not in line and "postgresql://mess:***@db" in line


def test_task_context_fields_and_trace_ids_absent_when_tracing_is_off(settings):
    record = logging.LogRecord("workers.tasks.billing", logging.INFO, __file__, 1, "scheduled", None, None)
    token = logs.bind(logs.LogContext(request_id="r1", task_id="t1", task="workers.tasks.billing.run_billing"))
    try:
        line = json.loads(logs.make_formatter("json", settings).format(record))
    finally:
        logs.unbind(token)
    assert line["request_id"] == "r1" and line["task_id"] == "t1" and line["task"].endswith("run_billing")
    assert "trace_id" not in line
    record.color_message = "\x1b[36mscheduled\x1b[0m"  # uvicorn's coloured copy of the message is left out
    assert "color_message" not in logs.make_formatter("json", settings).format(record)


def test_tracing_is_off_unless_the_otel_variables_ask():
    assert not tracing.enabled({})
    assert tracing.enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://tempo:4318"})
    assert tracing.enabled({"OTEL_TRACES_EXPORTER": "otlp"})
    assert not tracing.enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://tempo:4318", "OTEL_SDK_DISABLED": "true"})
    assert not tracing.enabled({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://tempo:4318", "OTEL_TRACES_EXPORTER": "none"})


async def test_traced_request_logs_its_trace_and_span_ids(settings, clock, database, json_lines):
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    app = create_app(settings, clock=clock, database=database, tracer_provider=provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/login")
    [server] = [span for span in memory.get_finished_spans() if span.name == "GET /login"]
    [line] = access_lines(json_lines)
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["trace_id"] == format(server.context.trace_id, "032x")
    assert len(str(line["span_id"])) == 16
    provider.shutdown()


async def test_latency_exemplars_name_the_trace_when_prometheus_asks_for_openmetrics(settings, clock, database):
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    app = create_app(settings, clock=clock, database=database, tracer_provider=provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        await client.get("/manifest.webmanifest")
        [server] = [span for span in memory.get_finished_spans() if span.name == "GET /manifest.webmanifest"]
        scrape = await client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
        plain = await client.get("/metrics")
    trace_id = format(server.context.trace_id, "032x")
    assert scrape.headers["content-type"].startswith("application/openmetrics-text")
    bucket_lines = [line for line in scrape.text.splitlines() if 'route="/manifest.webmanifest"' in line]
    assert any(f'# {{trace_id="{trace_id}"}}' in line for line in bucket_lines)
    assert "trace_id" not in plain.text  # the classic text format has no exemplars
    provider.shutdown()
