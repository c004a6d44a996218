"""N-1 compatibility: the previous release (infra/previous-release.yml), checked out from git, serves its smoke
check (readiness, a sign-in, a booking) on a PostgreSQL database migrated by the CURRENT code; then the current
code serves the same check on the rows the old release wrote. This is what a rollback (or a rolling deploy with old
and new pods side by side) runs on: migrations are never run downwards."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.databases import REDIS_URL, temporary_pg_database
from tests.support.procs import IN_CI, MessServer, Process, free_port, http_status, mess_env, wait_for

ROOT = Path(__file__).resolve().parents[2]
RELEASE = yaml.safe_load((ROOT / "infra" / "previous-release.yml").read_text())
# The previous release's own entry point (this file must not follow later moves of the current CLI).
OLD_MESS = [sys.executable, "-m", "mess.cli"]
SMOKE = [sys.executable, str(ROOT / "scripts" / "smoke.py")]
RESIDENT = {"MESS_SMOKE_LOGIN": "R0001", "MESS_SMOKE_PASSWORD": "resident-demo-pass"}


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def previous_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's files (git archive of its commit): needs the full history, not a shallow clone."""
    commit = str(RELEASE["commit"])
    if _git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        message = f"commit {commit} of infra/previous-release.yml is not in this clone (shallow? fetch it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(reason=message)
    archive = _git("archive", "--format=tar", commit)
    assert archive.returncode == 0, archive.stderr.decode()
    tree = tmp_path_factory.mktemp("previous-release")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture(scope="module")
def migrated_url() -> Iterator[str]:
    with temporary_pg_database() as url:  # migrated by the CURRENT code, to the current head
        yield url


def _smoke(base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **RESIDENT}
    return subprocess.run(
        [*SMOKE, base_url, "--book", "--wait", "30"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_previous_release_runs_on_the_current_schema(previous_tree: Path, migrated_url: str, tmp_path: Path) -> None:
    old_env = {**mess_env(migrated_url, redis_url=REDIS_URL), "PYTHONPATH": str(previous_tree)}

    # The old code, not this checkout's, is what runs.
    where = subprocess.run(
        [sys.executable, "-c", "import mess; print(mess.__file__)"],
        env=old_env,
        cwd=previous_tree,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert where.stdout.strip().startswith(str(previous_tree)), where.stdout

    seeded = subprocess.run(
        [*OLD_MESS, "seed", "--residents", "5", "--days", "3"],
        env=old_env,
        cwd=previous_tree,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, f"the previous release cannot write to the new schema:\n{seeded.stderr[-3000:]}"

    port = free_port()
    old_server = Process(
        "previous release: mess serve",
        [*OLD_MESS, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        log_path=tmp_path / "previous-serve.log",
        env=old_env,
        cwd=previous_tree,
    )
    old_server.start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(
            lambda: http_status(base + "/healthz") == 200, timeout=60, what="the previous release", process=old_server
        )
        smoke = _smoke(base)
        assert smoke.returncode == 0, f"previous release smoke:\n{smoke.stdout}{smoke.stderr}\n{old_server.log_tail()}"
        assert "is booked" in smoke.stdout
    finally:
        old_server.stop()

    # The current release on the rows the previous one wrote (old and new pods side by side during a rollout).
    server = MessServer(mess_env(migrated_url, redis_url=REDIS_URL), tmp_path)
    server.start()
    try:
        smoke = _smoke(server.base_url)
        assert smoke.returncode == 0, f"current release smoke:\n{smoke.stdout}{smoke.stderr}\n{server.log_tail()}"
    finally:
        server.stop()


def test_the_previous_release_is_an_ancestor_of_this_commit() -> None:
    """The named release is on main's history (not a typo or a branch that never landed)."""
    commit = str(RELEASE["commit"])
    if _git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        if IN_CI:
            pytest.fail(f"{commit} is not in this clone")
        pytest.skip(reason=f"{commit} is not in this clone")
    assert _git("merge-base", "--is-ancestor", commit, "HEAD").returncode == 0
    listed = _git("show", f"{commit}:mess/db/migrations/versions").stdout.decode()
    assert any(str(RELEASE["alembic_head"]) in name for name in listed.split()), listed
