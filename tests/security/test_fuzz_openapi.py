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

import functools
import inspect
import itertools
import re
from collections.abc import Iterator
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.hypothesis import builder as st_builder
from schemathesis.generation.meta import CoverageScenario, TestPhase

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

# An operation's coverage cases are built when its test runs, not while collecting. Schemathesis builds them in
# create_test (its builder's `add_coverage`, which attaches each as a Hypothesis `@example` to the test), at
# collection: every xdist worker collects every test and built all of them (~6 s of CPU each, of ~11 s to collect
# the module) for the one worker that runs each. Deferred, `add_coverage` is the same call with the same arguments
# on the same test function, made before Hypothesis reads the examples, and it makes the same cases in the same
# order: each operation's values are seeded draws of its own. One thing depends on the order of the builds: a
# path's unexpected-method cases (a 405 for each method the path does not serve) go to the first operation of the
# path that is built, and the schema's `coverage_unexpected_methods_seen` remembers them. The eager build made them
# for the first operation of each path collected; so does this one, whatever order the builds come in, and
# `_build_coverage_cases` checks it. (Compared case by case: the 6,858 cases of the 99 operations, built forward,
# backward and shuffled, are the eager build's.)
_EAGER_ADD_COVERAGE = st_builder.add_coverage
PENDING = "_fuzz_coverage_pending"
FIRST_OF_PATH: dict[str, str] = {}  # path -> the label of its first operation collected
BUILT: set[str] = set()  # the operations whose coverage cases are attached


def _add_coverage_when_run(test: Any, operation: Any, *args: Any, **kwargs: Any) -> Any:
    if operation.schema.raw_schema is not DOCUMENT:  # parametrize works on a copy of `schema`; no other today
        return _EAGER_ADD_COVERAGE(test, operation, *args, **kwargs)
    FIRST_OF_PATH.setdefault(operation.path, operation.label)
    setattr(test, PENDING, functools.partial(_EAGER_ADD_COVERAGE, test, operation, *args, **kwargs))
    return test


assert list(inspect.signature(_EAGER_ADD_COVERAGE).parameters)[:2] == ["test", "operation"], "schemathesis changed"
st_builder.add_coverage = _add_coverage_when_run


def _unexpected_methods(operation: Any) -> set[str]:
    """The methods whose 405 the coverage phase asks for on the operation's path (those the path does not serve)."""
    asked = operation.schema.config.phases_for(operation=operation).coverage.unexpected_methods
    return {method.lower() for method in asked} - {method.lower() for method in DOCUMENT["paths"][operation.path]}


def _build_coverage_cases(test: Any) -> None:
    build = getattr(test, PENDING, None)
    if build is None:  # loudly: the cases would otherwise be silently missing or built on every worker again
        raise AssertionError("schemathesis no longer builds coverage cases through builder.add_coverage")
    delattr(test, PENDING)
    operation = build.args[1]
    first = FIRST_OF_PATH[operation.path] == operation.label
    seen: set[tuple[str, str]] = operation.schema.coverage_unexpected_methods_seen
    asked = operation.schema.config.phases_for(operation=operation).coverage.unexpected_methods
    keys = {(operation.path, method) for method in asked}
    if first:
        seen -= keys
    else:
        seen |= keys
    before = len(getattr(test, "hypothesis_explicit_examples", ()))
    assert build() is test, "schemathesis's add_coverage no longer attaches the cases to the test it is given"
    cases = [example.kwargs["case"] for example in test.hypothesis_explicit_examples[before:]]
    assert cases, "no coverage case was attached"
    probed = {
        case.method.lower()
        for case in cases
        if case.meta.phase.data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD
    }
    # The first operation of a path sends every unexpected method once; the others none (as the eager build did).
    assert probed == (_unexpected_methods(operation) if first else set()), (operation.label, probed)
    BUILT.add(operation.label)


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
# An operation's coverage cases (the boundary values of every field: hundreds for a mess's body) test what the server
# makes of the input, which is the same for every role it serves. Every one goes as the first role the operation
# serves (in ROLES order); the other roles, served or refused, get one in SAMPLE (820 cases x 4 roles made POST
# /messes ~60 s; warden and admin both sending all of PATCH /messes/{id}'s made it the slowest test). Every
# fuzzing-phase case and unexpected-method case goes as every role.
SAMPLE = 8
_sent: dict[str, itertools.count[int]] = {}


def roles_for(case: Any) -> tuple[str, ...]:
    operation = case.operation
    coverage = case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE
    if not coverage or case.method.upper() != operation.method.upper():
        return ROLES
    refused = REFUSED.get((operation.method.upper(), _shape(operation.path)), set())
    primary = next((role for role in ROLES if role not in refused), None)
    n = next(_sent.setdefault(operation.label, itertools.count()))
    return tuple(role for role in ROLES if role == primary or n % SAMPLE == 0)


def test_the_matrix_names_the_refused_roles_of_the_fuzzed_operations() -> None:
    # A path renamed in one place would silently send every case as every role again: the sampling must apply.
    assert REFUSED[("POST", "/api/v1/messes")] == {"warden", "staff", "resident"}
    assert REFUSED[("PATCH", "/api/v1/messes/{}")] >= {"staff", "resident"}
    fuzzed = {(method.upper(), _shape(path)) for path, item in DOCUMENT["paths"].items() for method in item}
    assert len(set(REFUSED) & fuzzed) >= len(fuzzed) - 5


def test_coverage_cases_go_as_the_first_role_served_and_a_sample_as_the_others() -> None:
    meta = SimpleNamespace(phase=SimpleNamespace(name=TestPhase.COVERAGE))

    def sent(method: str, path: str, label: str) -> list[tuple[str, ...]]:
        operation = SimpleNamespace(method=method, path=path, label=label)
        return [roles_for(SimpleNamespace(operation=operation, meta=meta, method=method)) for _ in range(2 * SAMPLE)]

    admin_only = sent("post", "/api/v1/messes", "sampling check: POST /api/v1/messes")
    assert admin_only.count(ROLES) == 2 and admin_only.count(("admin",)) == 2 * SAMPLE - 2
    wardens = sent("patch", "/api/v1/messes/{mess_id}", "sampling check: PATCH /api/v1/messes/{mess_id}")
    assert wardens.count(ROLES) == 2 and wardens.count(("warden",)) == 2 * SAMPLE - 2
    fuzzing = SimpleNamespace(phase=SimpleNamespace(name=TestPhase.FUZZING))
    operation = SimpleNamespace(method="patch", path="/api/v1/messes/{mess_id}", label="sampling check: fuzzing")
    assert roles_for(SimpleNamespace(operation=operation, meta=fuzzing, method="PATCH")) == ROLES


def _session() -> requests.Session:
    """One keep-alive connection for all the cases (a session per request cost a connection and the proxy lookups of
    the environment, ~10 ms of the client's CPU per request). It keeps no cookie: each request is its role's alone."""
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session


SESSION = _session()


def test_the_shared_session_keeps_no_cookie(live) -> None:
    server, _ = live
    answer = SESSION.get(server.base_url + "/login")
    assert answer.status_code == 200 and "set-cookie" in answer.headers
    assert not SESSION.cookies


@pytest.fixture
def coverage_cases(request: pytest.FixtureRequest) -> None:
    _build_coverage_cases(request.function)


# One test per operation sends each case as every role (coverage cases: one role and a sample, above): the same
# requests as a test per role, with the cases made once per operation (a test per role made them four times).
@schema.parametrize()
@FUZZ
@pytest.mark.usefixtures("coverage_cases")
def test_api_as_every_role(case, live):
    assert case.operation.label in BUILT, "the coverage cases were not built (coverage_cases did not run)"
    server, headers = live
    for role in roles_for(case):
        try:
            case.call_and_validate(base_url=server.base_url, session=SESSION, headers=headers[role], checks=CHECKS_RUN)
        except Exception as exc:
            exc.add_note(f"as the {role}")
            raise
