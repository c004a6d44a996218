"""Access tokens: what a signed token says is checked once and remembered, but expiry is judged on every read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from mess.auth.actor import Actor
from mess.auth.tokens import ALGORITHM, issue_access_token, read_access_token
from mess.errors import ErrorCode, NotAuthenticated

SECRET = "token-tests-secret-0123456789abcdefghijkl"
NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)
RESIDENT = Actor(user_id=7, role="resident", mess_id=2, login="R0007", name="Asha", resident_id=11)


def refused(token: str, secret: str = SECRET, now: datetime = NOW) -> str:
    with pytest.raises(NotAuthenticated) as raised:
        read_access_token(token, secret, now)
    assert raised.value.code == ErrorCode.INVALID_TOKEN
    return raised.value.message


def test_a_valid_token_gives_its_actor_every_time():
    token = issue_access_token(RESIDENT, SECRET, NOW, 60)
    assert read_access_token(token, SECRET, NOW) == RESIDENT
    assert read_access_token(token, SECRET, NOW + timedelta(minutes=59)) == RESIDENT


def test_expiry_is_judged_on_every_read_even_after_the_token_was_seen():
    token = issue_access_token(RESIDENT, SECRET, NOW, 60)
    assert read_access_token(token, SECRET, NOW) == RESIDENT
    assert "expired" in refused(token, now=NOW + timedelta(minutes=60))
    assert "expired" in refused(token, now=NOW + timedelta(days=3))


def test_tampered_foreign_and_wrong_kind_tokens_are_refused():
    token = issue_access_token(RESIDENT, SECRET, NOW, 60)
    assert read_access_token(token, SECRET, NOW) == RESIDENT  # seen (and remembered) once
    header, _body, signature = token.split(".")
    forged_body = jwt.encode({"sub": "1", "role": "admin", "exp": 4102444800, "typ": "access"}, SECRET[::-1]).split(
        "."
    )[1]
    assert "not valid" in refused(f"{header}.{forged_body}.{signature}")
    assert "not valid" in refused(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    assert "not valid" in refused(token, secret="another-secret-0123456789abcdefghijklmnop")
    assert "not valid" in refused("not-a-token")
    refresh = jwt.encode({"sub": "7", "role": "resident", "exp": 4102444800, "typ": "refresh"}, SECRET, ALGORITHM)
    assert "not valid" in refused(refresh)
    without_expiry = jwt.encode({"sub": "7", "role": "resident", "typ": "access"}, SECRET, ALGORITHM)
    assert "not valid" in refused(without_expiry)
