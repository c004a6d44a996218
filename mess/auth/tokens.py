"""Bearer tokens (JWT, HS256) and the short-lived HMAC-signed QR tokens shown at the counter."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from functools import lru_cache

import jwt

from mess.auth.actor import Actor
from mess.errors import ErrorCode, NotAuthenticated

ALGORITHM = "HS256"


def issue_access_token(actor: Actor, secret: str, now: datetime, minutes: int) -> str:
    claims = {
        "sub": str(actor.user_id),
        "role": actor.role,
        "mess": actor.mess_id,
        "res": actor.resident_id,
        "login": actor.login,
        "name": actor.name,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(token: str, secret: str, now: datetime) -> Actor:
    actor, expires = _verified(token, secret)
    # Expiry is checked against the injectable clock, not the wall clock, on every call (cached or not).
    if expires <= int(now.timestamp()):
        raise NotAuthenticated("the token has expired; sign in again", ErrorCode.INVALID_TOKEN)
    return actor


@lru_cache(maxsize=8192)
def _verified(token: str, secret: str) -> tuple[Actor, int]:
    """The caller and expiry of a token whose signature checks out. A signed token always says the same thing, so
    the check is made once per token (a resident's phone sends the same one for hours); only successes are
    cached (lru_cache keeps no exceptions), so invalid tokens cannot fill it."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"verify_exp": False, "require": ["exp", "sub"]}
        )
    except jwt.PyJWTError as exc:
        raise NotAuthenticated("the token is not valid; sign in again", ErrorCode.INVALID_TOKEN) from exc
    if claims.get("typ") != "access":
        raise NotAuthenticated("the token is not valid; sign in again", ErrorCode.INVALID_TOKEN)
    actor = Actor(
        user_id=int(claims["sub"]),
        role=str(claims["role"]),
        mess_id=claims.get("mess"),
        login=str(claims.get("login", "")),
        name=str(claims.get("name", "")),
        resident_id=claims.get("res"),
    )
    return actor, int(claims["exp"])


def _qr_mac(secret: str, body: str) -> str:
    digest = hmac.new(f"qr:{secret}".encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def issue_qr_token(resident_id: int, secret: str, now: datetime, seconds: int) -> str:
    """`r<resident>.<expiry>.<mac>`: short enough for a small QR code, useless after it expires."""
    body = f"r{resident_id}.{int(now.timestamp()) + seconds}"
    return f"{body}.{_qr_mac(secret, body)}"


class QrTokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_qr_token(token: str, secret: str, now: datetime) -> int:
    """The resident id of a valid token; QrTokenError('invalid'|'expired') otherwise."""
    try:
        resident_part, expiry_part, mac = token.strip().split(".")
        body = f"{resident_part}.{expiry_part}"
        if not resident_part.startswith("r"):
            raise ValueError
        resident_id, expiry = int(resident_part[1:]), int(expiry_part)
    except ValueError as exc:
        raise QrTokenError("invalid") from exc
    if not hmac.compare_digest(mac, _qr_mac(secret, body)):
        raise QrTokenError("invalid")
    if expiry <= int(now.timestamp()):
        raise QrTokenError("expired")
    return resident_id
