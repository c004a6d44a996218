"""Schemathesis over the whole OpenAPI, against a real `mess serve` on PostgreSQL, as every role, with every check
schemathesis has (PRODUCT.md section 6): no 5xx; every status, header and body is the documented one (errors
included: web/openapi.py); schema-valid requests are accepted and schema-violating ones rejected; a method a path
does not serve is a 405 that names all the methods it does.

One deliberate reading of `positive_data_acceptance`: a schema-valid request may still break a rule no JSON Schema
can state (`to` before `from`, a range too long, an admin without `mess_id`, a slot that ends before it starts, a
password-reset link that was never issued). Such a 422 (or 400) passes only when the operation documents it: a
domain error (a string detail) whose code the operation lists for that status, or FastAPI's validation answer
whose every problem is a `value_error` (a rule our own validator code states). Any other validation problem (a
type, a bound, a format) fails the check: the schema would be too loose there, and gets tightened."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.meta import TestPhase

from mess.kit.aio import run_sync
from tests.security.matrix_cases import CASES
from tests.support.databases import temporary_pg_database
from tests.support.procs import MessServer, mess_env
from tests.support.world import LiveWorld, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def _admin_headers(url: str) -> dict[str, str]:
    """A real admin account (its id lands in created_by columns) and its bearer token."""
    from datetime import UTC, datetime

    from mess.auth.actor import Actor
    from mess.auth.tokens import issue_access_token
    from mess.config import Settings
    from mess.db.engine import Database
    from mess.users.schemas import UserCreate
    from mess.users.service import create_user
    from tests.factories import ADMIN, PASSWORD
    from tests.support.procs import TEST_SECRET

    database = Database(Settings(environment="test", database_url=url, secret_key=TEST_SECRET), null_pool=True)
    now = datetime.now(UTC)
    try:
        async with database.transaction() as session:
            data = UserCreate(login="fuzzadmin", name="Fuzz admin", password=PASSWORD, role="admin", mess_id=None)
            out = await create_user(session, ADMIN, data, now)
    finally:
        await database.dispose()
    token = issue_access_token(Actor(out.id, "admin", None, out.login, out.name), TEST_SECRET, now, 24 * 60)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MessServer, dict[str, dict[str, str]]]]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    with temporary_pg_database() as url:
        env = mess_env(url)
        server = MessServer(env, workdir)
        try:
            world: LiveWorld = run_sync(build_world(url, residents=2))
            headers = {
                "warden": world.warden.headers,
                "staff": world.staff.headers,
                "resident": world.resident.headers,
                "admin": run_sync(_admin_headers(url)),
            }
            server.start()
            yield server, headers
        finally:
            server.stop()


def _openapi() -> dict[str, Any]:
    # The document the server publishes: building the app opens no connection.
    from mess.config import Settings
    from web.main import create_app

    return create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")).openapi()


DOCUMENT = _openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def _documented_rule(case: Any, response: Any) -> bool:
    """A 400 or 422 the operation documents as a rule beyond its schema (see the module's docstring)."""
    from web.openapi import declared

    responses = DOCUMENT["paths"][case.operation.path][case.method.lower()]["responses"]
    documented = responses.get(str(response.status_code))
    try:
        body = response.json()
    except ValueError:
        return False
    if documented is None or not isinstance(body, dict):
        return False
    codes, validation = declared(documented)
    detail = body.get("detail")
    if isinstance(detail, str):
        return body.get("code") in codes
    return validation and isinstance(detail, list) and all(e.get("type") == "value_error" for e in detail)


REFUSALS = (400, 422)  # the statuses schemathesis would not expect for valid data


def positive_data_acceptance(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code in REFUSALS and _documented_rule(case, response):
        return None
    return st_checks.positive_data_acceptance(ctx, response, case)


load_all_checks()
CHECKS_RUN = [check for check in CHECKS.get_all() if check is not st_checks.positive_data_acceptance]
CHECKS_RUN.append(positive_data_acceptance)


def test_every_check_of_schemathesis_runs() -> None:
    names = {check.__name__ for check in CHECKS_RUN}
    assert {"positive_data_acceptance", "negative_data_rejection", "unsupported_method"} <= names
    assert len(CHECKS_RUN) == len(CHECKS.get_all())


# Derandomized: the same cases every run (a failure is reproducible, never a flake); modest counts keep it short.
FUZZ = settings(max_examples=6, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
ROLES = ("warden", "staff", "resident", "admin")


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


# The roles the authorization matrix refuses on each operation (403 or 404 for their own mess and objects): the
# server answers them from the role alone, before it reads the request.
REFUSED = {
    (case.method, _shape(case.path)): {role for role in ROLES if case.expect.get(role) == "denied"} for case in CASES
}
# A refused role gets one in SAMPLE of an operation's coverage cases (the boundary values of every field, hundreds for
# a mess's body: 820 cases x 4 roles made POST /messes ~60 s), and every fuzzing-phase case and unexpected-method
# case; the roles the operation serves get them all.
SAMPLE = 8
_sent: dict[str, itertools.count[int]] = {}


def roles_for(case: Any) -> tuple[str, ...]:
    operation = case.operation
    refused = REFUSED.get((operation.method.upper(), _shape(operation.path)), set())
    coverage = case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE
    if not refused or not coverage or case.method.upper() != operation.method.upper():
        return ROLES
    n = next(_sent.setdefault(operation.label, itertools.count()))
    return tuple(role for role in ROLES if role not in refused or n % SAMPLE == 0)


def test_the_matrix_names_the_refused_roles_of_the_fuzzed_operations() -> None:
    # A path renamed in one place would silently send every case as every role again: the sampling must apply.
    assert REFUSED[("POST", "/api/v1/messes")] == {"warden", "staff", "resident"}
    assert REFUSED[("PATCH", "/api/v1/messes/{}")] >= {"staff", "resident"}
    fuzzed = {(method.upper(), _shape(path)) for path, item in DOCUMENT["paths"].items() for method in item}
    assert len(set(REFUSED) & fuzzed) >= len(fuzzed) - 5


# One test per operation sends each case as every role (refused roles: a sample of the coverage cases, above): the
# same requests as a test per role, with the cases made once (schemathesis builds an operation's coverage cases
# while collecting, on every xdist worker: 4x was ~25 s).
@schema.parametrize()
@FUZZ
def test_api_as_every_role(case, live):
    server, headers = live
    for role in roles_for(case):
        try:
            case.call_and_validate(base_url=server.base_url, headers=headers[role], checks=CHECKS_RUN)
        except Exception as exc:
            exc.add_note(f"as the {role}")
            raise
