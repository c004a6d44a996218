"""Secrets never reach the logs: a real `mess serve` and `mess worker` at DEBUG level, on the test PostgreSQL with a
password in its URL (the server trusts loopback, so any password connects), through sign-ins that fail and succeed,
a forged token, and a page sign-in; then their whole logs are searched for every secret they were given or made.
They log as in the containers (MESS_LOG_FORMAT=json): the new fields (request ids, callers, access lines) are
searched too, and the server's lines are JSON objects with their request ids."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import REDIS_URL, temporary_pg_database
from tests.support.procs import TEST_SECRET, CeleryWorker, MessServer, mess_env, run_mess

DB_PASSWORD = "db-pass-Zq81xLw0"
ADMIN_PASSWORD = "admin-pass-Hk27Vd93"
WRONG_PASSWORD = "wrong-pass-Pm55Tr61"


def _with_password(url: str) -> str:
    scheme, rest = url.split("://", 1)
    user_host = rest.split("@", 1)[1] if "@" in rest else rest
    return f"{scheme}://postgres:{DB_PASSWORD}@{user_host}"


@pytest.fixture
def pg_url_with_password() -> Iterator[str]:
    """A database of its own on the test PostgreSQL, named by a URL that carries a password."""
    with temporary_pg_database() as url:
        yield _with_password(url)


def test_server_and_worker_logs_hold_no_secret(pg_url_with_password: str, tmp_path: Path):
    prefix = f"logs-{uuid.uuid4().hex[:8]}."  # queues of its own on the shared Redis
    env = mess_env(
        pg_url_with_password,
        redis_url=REDIS_URL,
        MESS_LOG_LEVEL="DEBUG",
        MESS_QUEUE_PREFIX=prefix,
        MESS_LOG_FORMAT="json",
    )
    admin = ["create-user", "--role", "admin", "--login", "log-admin", "--password", ADMIN_PASSWORD]
    run_mess(admin, env=env, cwd=tmp_path)
    server = MessServer(env, tmp_path)
    worker = CeleryWorker(env, tmp_path)
    try:
        server.start()
        worker.start()
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            for _ in range(2):
                refused = http.post("/api/v1/auth/token", data={"username": "log-admin", "password": WRONG_PASSWORD})
                assert refused.status_code == 401
            signed_in = http.post("/api/v1/auth/token", data={"username": "log-admin", "password": ADMIN_PASSWORD})
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            assert http.get("/api/v1/messes", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            forged = token[:-6] + "AAAAAA"
            assert http.get("/api/v1/messes", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
            page = http.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert csrf, "the sign-in page carries a CSRF token"
            form = {"username": "log-admin", "password": WRONG_PASSWORD, "csrf_token": csrf.group(1)}
            assert "login-error" in http.post("/login", data=form).text
    finally:
        server.stop()
        worker.stop()
    logs = server.log_path.read_text(errors="replace") + worker.log_path.read_text(errors="replace")
    assert "Application startup complete" in logs and "ready" in logs  # these are the logs of both processes
    server_lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    access = [line for line in server_lines if line["logger"] == "mess.access"]
    assert len(access) >= 7 and all(line["request_id"] and line["route"] for line in access)
    assert any(line.get("user_id") for line in access)  # the signed-in caller is named on its access line
    for secret in (DB_PASSWORD, ADMIN_PASSWORD, WRONG_PASSWORD, TEST_SECRET, token, forged):
        assert secret not in logs, f"a secret ({secret[:4]}...) is in the logs"
