"""One trace from an HTTP request into the Celery task it queued, across real Redis and a real worker process.

The web app runs in this process, traced into the SDK's in-memory exporter. The worker is `celery worker` as a
subprocess with tracing turned on by the standard variables (OTEL_EXPORTER_OTLP_ENDPOINT): it exports over OTLP/HTTP
to a receiver in this test, which decodes the protobuf requests. The worker's task span must continue the web
request's trace, below the web's publish span, and its SQL statements must be in the same trace.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mess.kit import tracing
from tests.support.procs import eventually
from tests.workers.conftest import worker_process
from tests.workers.test_billing_worker import MONTH, billing_mess, run_state
from web.main import create_app


class Receiver(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver on loopback: the spans of every export request, decoded."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[tuple[str, Any]] = []  # (service name, span)
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # http.server's name
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        request = ExportTraceServiceRequest.FromString(body)
        with self.server.lock:
            for resource_spans in request.resource_spans:
                service = next(
                    (a.value.string_value for a in resource_spans.resource.attributes if a.key == "service.name"), ""
                )
                for scope_spans in resource_spans.scope_spans:
                    self.server.spans.extend((service, span) for span in scope_spans.spans)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, name="otlp-receiver", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def exporter() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracing.instrument_libraries(provider)  # SQL and Celery publishing of this process, with this provider
    yield provider, memory
    tracing.uninstrument_libraries()
    provider.shutdown()


async def test_request_and_its_billing_task_share_one_trace(
    exporter,  # first: the engines made after it are traced
    pg_url,
    queue_prefix,
    pg_database,
    pg_world,
    worker_settings,
    later_clock,
    headers_for,
    receiver,
    tmp_path: Path,
):
    provider, memory = exporter
    otel = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_SERVICE_NAME": "mess-worker",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    worker = worker_process(pg_url, queue_prefix, tmp_path, 2000, 3600, **otel)
    try:
        worker.start()
        _, warden = await billing_mess(pg_world, 3)
        app = create_app(worker_settings, clock=later_clock, database=pg_database, tracer_provider=provider)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post("/api/v1/billing/runs", json={"month": MONTH}, headers=headers_for(warden))
        assert response.status_code == 202, response.text
        run_id = response.json()["id"]

        async def finished() -> bool:
            return (await run_state(pg_database, run_id)).status == "succeeded"

        await eventually(finished)
    finally:
        worker.stop()  # a warm shutdown flushes the worker's batched spans

    web_spans = memory.get_finished_spans()
    [server] = [s for s in web_spans if s.name == "POST /api/v1/billing/runs"]
    trace_id = server.context.trace_id
    [publish] = [s for s in web_spans if s.name == "apply_async/workers.tasks.billing.run_billing"]
    assert publish.context.trace_id == trace_id  # the publish is part of the request's trace
    assert any(
        s.attributes and s.attributes.get("db.system") == "postgresql"
        for s in web_spans
        if s.context.trace_id == trace_id
    )  # and so are its SQL statements

    def worker_spans() -> list[Any]:
        with receiver.lock:
            return [span for service, span in receiver.spans if service == "mess-worker"]

    task = [s for s in worker_spans() if s.name == "run/workers.tasks.billing.run_billing"]
    assert len(task) == 1, [s.name for s in worker_spans()]
    assert int.from_bytes(task[0].trace_id, "big") == trace_id  # the worker continued the request's trace
    assert int.from_bytes(task[0].parent_span_id, "big") == publish.context.span_id
    sql = [s for s in worker_spans() if s.trace_id == task[0].trace_id and s.parent_span_id and s is not task[0]]
    assert sql, "the task's SQL statements are spans of the same trace"
    # The request's id travelled too: the worker's log lines of the task carry it.
    request_id = response.headers["x-request-id"]
    assert request_id in worker.log_path.read_text()
