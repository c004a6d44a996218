"""Schemathesis over the whole OpenAPI, against a real `mess serve` on PostgreSQL, as a warden and as a resident:
no 5xx, and every response (errors included) matches the documented schema (PRODUCT.md section 6)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from mess.kit.aio import run_sync
from tests.support.databases import temporary_pg_database
from tests.support.procs import MessServer, mess_env
from tests.support.world import LiveWorld, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MessServer, LiveWorld]]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    with temporary_pg_database() as url:
        env = mess_env(url)
        server = MessServer(env, workdir)
        try:
            world = run_sync(build_world(url, residents=2))
            server.start()
            yield server, world
        finally:
            server.stop()


def _openapi() -> dict:
    # The document the server publishes: building the app opens no connection.
    from mess.config import Settings
    from web.main import create_app

    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")).openapi()


schema = schemathesis.openapi.from_dict(_openapi())

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_warden(case, live):
    server, world = live
    case.call_and_validate(base_url=server.base_url, headers=world.warden.headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_resident(case, live):
    server, world = live
    case.call_and_validate(base_url=server.base_url, headers=world.resident.headers, checks=CHECKS)
