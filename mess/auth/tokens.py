"""Bearer tokens (JWT, HS256). The counter's QR tokens are Ed25519-signed: mess/auth/qr.py."""

from __future__ import annotations

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
            token,
            secret,
            algorithms=[ALGORITHM],
            # Times are the injectable clock's (read_access_token): PyJWT would judge iat by the wall clock and
            # refuse a token issued by a clock that is ahead of it.
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", "sub"]},
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
