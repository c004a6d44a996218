from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from web.metrics import metrics_response

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _database_ok(request: Request) -> bool:
    try:
        async with request.app.state.database.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=3)
        return True
    except Exception:
        return False


async def _broker_ok(request: Request) -> bool:
    redis_url = request.app.state.settings.redis_url
    if not redis_url:
        return True  # the embedded broker lives in the SQLite file beside the database
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(await client.ping())
    except Exception:
        return False
    finally:
        await client.aclose()


@router.get("/readyz")
async def readyz(request: Request, broker: Literal["required", "optional"] = "required") -> JSONResponse:
    """Database and broker reachable. Web pods probe with broker=optional: pages and bookings keep working while
    Redis is down, so a Redis outage must not take every web pod out of service (only billing requests fail)."""
    database_ok, broker_ok = await asyncio.gather(_database_ok(request), _broker_ok(request))
    ready = database_ok and (broker_ok or broker == "optional")
    body = {"status": "ready" if ready else "not_ready", "database": database_ok, "broker": broker_ok}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return metrics_response(request)
