"""Liveness, readiness (database and broker) and the metrics endpoint."""

from __future__ import annotations

from mess.config import Settings
from web.main import create_app


async def test_healthz_and_readyz_with_embedded_broker(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "database": True, "broker": True}


async def test_readyz_reports_an_unreachable_broker(settings, database):
    import httpx

    # A port nobody listens on: the broker is down, the database is fine.
    app = create_app(Settings(**{**settings.model_dump(), "redis_url": "redis://127.0.0.1:1/0"}), database=database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        strict = await client.get("/readyz")
        assert strict.status_code == 503 and strict.json()["broker"] is False and strict.json()["database"] is True
        relaxed = await client.get("/readyz?broker=optional")
        assert relaxed.status_code == 200 and relaxed.json()["broker"] is False


async def test_metrics_count_requests_by_route_template(client, world):
    mess = await world.mess()
    resident = await world.resident(mess.id)
    await client.put("/api/v1/bookings/2026-03-20/lunch", headers=resident.headers)
    text = (await client.get("/metrics")).text
    assert 'route="/api/v1/bookings/{date}/{slot}"' in text
    assert "mess_bookings_total" in text and "mess_http_request_duration_seconds_bucket" in text
