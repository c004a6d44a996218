"""The FastAPI app factory."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute
from starlette.staticfiles import StaticFiles

from mess.config import Settings, get_settings
from mess.db.engine import Database
from mess.kit import tracing
from mess.kit.clock import Clock, get_clock
from mess.notifications.mail import get_notifier
from web import errors, openapi
from web.api import health
from web.metrics import MetricsMiddleware
from web.pages import rendering as pages
from web.requestlog import RequestLogMiddleware
from web.security import SecurityMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"


def discover_routers(package: str) -> list[APIRouter]:
    """Every module of a package that defines `router` (one module per domain; no central list to edit)."""
    module = importlib.import_module(package)
    routers = []
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda m: m.name):
        candidate = getattr(importlib.import_module(f"{package}.{info.name}"), "router", None)
        if isinstance(candidate, APIRouter):
            routers.append(candidate)
    return routers


@functools.cache
def included_routers() -> tuple[BaseRoute, ...]:
    """Every domain router of the API and the pages, included once per process.

    FastAPI (0.165) builds an included route's handler (its dependency tree, its validation and serialization
    adapters) on the first request the route matches, and keeps it in the inclusion. Apps made later in the same
    process (the tests make one per test) share these inclusions, so each route is analysed once per process, not
    once per app (~1-2 s of CPU per test, measured). The inclusions carry no app: nothing here overrides
    dependencies (`app.dependency_overrides` is not consulted for these routes)."""
    holder = APIRouter()
    for router in discover_routers("web.api"):
        if router is not health.router:
            openapi.document_errors(router)  # every REST route documents its errors, however it was written
        holder.include_router(router)
    for router in discover_routers("web.pages"):
        holder.include_router(router)
    return tuple(holder.routes)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    tracer_provider: Any = None,
) -> FastAPI:
    """The app. Traced when OTEL_* ask for it (mess/kit/tracing), or with `tracer_provider` (tests)."""
    settings = settings or get_settings()
    tracer_provider = tracer_provider or tracing.setup("mess-web", redis=True)  # before the engines are made
    owns_database = database is None
    database = database or Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            await app.state.database.dispose()

    app = FastAPI(
        title="Hostel Mess Management",
        version="1.0.0",
        description="Meal bookings, counter check-in, exact monthly billing. Money is in minor units.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or get_clock()
    app.state.notifier = get_notifier(settings)  # invites and password resets (tests read the log notifier's)

    app.router.routes.extend(included_routers())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    pages.install(app)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(SecurityMiddleware, settings=settings)
    # Phones on weak hostel Wi-Fi: pages, fragments and htmx travel compressed.
    app.add_middleware(GZipMiddleware, minimum_size=800)
    # Outermost: every response carries its X-Request-ID and every log line of the request its ids.
    app.add_middleware(RequestLogMiddleware)
    if tracer_provider is not None:
        tracing.instrument_app(app, tracer_provider)  # outermost: the request's log lines carry its trace id
    return app
