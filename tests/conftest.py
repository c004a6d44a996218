"""Test fixtures: every test runs against real databases (SQLite, and the local PostgreSQL server).

Each test session (each xdist worker) creates its own PostgreSQL database, migrates it with Alembic, and drops it at
the end (tests/support/databases.py). In CI (CI=true) an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os

from tests.support.procs import CHEAP_PASSWORD_HASHING

# Set before anything reads the settings (a value already in the environment wins).
os.environ.update({name: os.environ.get(name, value) for name, value in CHEAP_PASSWORD_HASHING.items()})
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mess.config import Settings
from mess.db.engine import Database
from mess.db.migrate import upgrade
from mess.kit import caches
from mess.kit.clock import FixedClock
from tests.factories import World
from tests.support import contract
from tests.support.databases import temporary_pg_database, truncate
from web.main import create_app

BACKENDS = os.environ.get("MESS_TEST_BACKENDS", "sqlite,postgres").split(",")
# The tests of a module in these directories share an expensive module or session fixture (a server process, a
# private cluster, a seeded database, a browser) or a heavy import (Streamlit, pandas, plotly): `make test` uses
# --dist loadgroup, and each such module runs on one xdist worker, in order. Modules are the unit, not the directory:
# one group per directory made the browser tests a single 6-minute chain on one worker.
GROUPED = ("analytics", "e2e", "faults", "workers")
# Modules elsewhere with such a fixture: the fuzzing's server and world (made on every worker that ran one of its
# tests: four servers, four worlds, where one serves).
GROUPED_MODULES = ("security.test_fuzz_openapi",)


def _group(item: pytest.Item, tests: Path) -> str | None:
    parts = Path(str(item.fspath)).relative_to(tests).with_suffix("").parts
    name = ".".join(parts)
    return name if parts[0] in GROUPED or name in GROUPED_MODULES else None


def _set_node_id(item: pytest.Item, nodeid: str) -> None:
    """pytest 9.2 keeps the id in a structured `_id`; xdist (3.8) still writes `_nodeid`, which it no longer reads."""
    item._nodeid = nodeid  # type: ignore[attr-defined]
    if hasattr(item, "_id"):
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(nodeid)


@pytest.hookimpl(wrapper=True)  # around xdist's own group naming (ineffective under pytest 9.2) and pytest's ordering
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    tests = Path(__file__).parent
    for item in items:
        # Schemathesis gives every operation of a test the test's node id; xdist schedules by node id and would run
        # only the first operation. The item's name carries the operation: make the id unique with it.
        parent, _, last = item.nodeid.rpartition("::")
        if last != item.name and parent:
            _set_node_id(item, f"{parent}::{item.name}")
        # xdist's loadgroup scheduling keeps the tests whose id ends in @<group> on one worker.
        group = _group(item, tests)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            if getattr(item.config.option, "loadgroup", False):  # set on xdist workers by --dist loadgroup
                _set_node_id(item, f"{item.nodeid}@{group}")
    yield  # pytest orders the tests by their session fixtures' parameters
    # The grouped modules are the long chains (a minute or two each): handed out first, they do not end the run alone
    # on one worker while the others wait (under xdist, its --loadscope-reorder also hands out the biggest groups
    # first). The single tests follow in this order, led by the few marked `starts_first` that mostly wait on the
    # network: last in the run, pip-audit's ~25 s left both cores idle (measured). A stable sort: the same order on
    # every worker, as xdist requires.
    items.sort(key=lambda item: (item.get_closest_marker("starts_first") is None, _group(item, tests) is None))


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database of each backend for the whole test session."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "mess.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    with temporary_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=None,
        secret_key="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
        login_rate_limit=5,
    )


@pytest.fixture
def clock() -> FixedClock:
    # A Tuesday morning in India: 2026-03-10 09:00 IST.
    return FixedClock(datetime(2026, 3, 10, 3, 30, tzinfo=UTC))


@pytest.fixture(scope="session")
async def _databases() -> AsyncIterator[dict[str, Database]]:
    """The session's Database objects (engines and pools), one per distinct settings, disposed at the end."""
    made: dict[str, Database] = {}
    yield made
    for db in made.values():
        await db.dispose()


@pytest.fixture
async def database(settings: Settings, _databases: dict[str, Database]) -> AsyncIterator[Database]:
    """The backend's database, emptied, with the process's caches of its rows forgotten (mess.kit.caches).

    One engine for every test with the same settings: SQLAlchemy keeps compiled statements per engine, and an engine
    per test compiled every statement again and opened new connections (a quarter of tests/web and tests/mess's
    CPU, measured). Ids restart with the emptying, so the caches of rows by id go too."""
    key = settings.model_dump_json()
    db = _databases.get(key)
    if db is None:
        db = _databases[key] = Database(settings)
    caches.forget_all()
    await truncate(db)
    yield db


@pytest.fixture
async def app(settings: Settings, clock: FixedClock, database: Database, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    if settings.redis_url is None:
        # The embedded broker writes ./mess-broker.db: one per test, not in the repository nor shared by xdist workers.
        monkeypatch.chdir(tmp_path)
    return create_app(settings, clock=clock, database=database)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    hooks = {"response": [contract.checker(app)]}  # every REST answer must be one the OpenAPI documents
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", event_hooks=hooks) as http:
        yield http


@pytest.fixture
async def world(database: Database, settings: Settings, clock: FixedClock, client: httpx.AsyncClient) -> World:
    """Factories that build messes, people and history through the services, and sign them in."""
    return World(database, settings, clock, client)
