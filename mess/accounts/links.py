"""One-time links (password reset, invite): signed, expiring, and dead once the password changes.

`<user>.<purpose>.<expiry>.<mac>` where the MAC covers the account's current password hash: setting a password
(through this link or any other way) changes the hash, so the link can be used once and every older link of the
account dies with it. No table: nothing to clean up, nothing to leak."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Literal

Purpose = Literal["reset", "invite"]


def _mac(secret: str, body: str, password_hash: str) -> str:
    key = f"link:{secret}".encode()
    digest = hmac.new(key, f"{body}|{password_hash}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def issue(user_id: int, purpose: Purpose, password_hash: str, secret: str, now: datetime, life: timedelta) -> str:
    body = f"{user_id}.{purpose}.{int((now + life).timestamp())}"
    return f"{body}.{_mac(secret, body, password_hash)}"


def user_of(token: str) -> int | None:
    """The account a well-formed token names (checked by verify once its password hash is loaded)."""
    parts = token.strip().split(".")
    if len(parts) != 4 or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    return int(parts[0])


def verify(token: str, password_hash: str, secret: str, now: datetime) -> bool:
    """A link this server issued for the account as it is now (same password), not yet expired."""
    try:
        user, purpose, expiry, mac = token.strip().split(".")
        expires_at = int(expiry)
    except ValueError:
        return False
    if purpose not in ("reset", "invite"):
        return False
    if not hmac.compare_digest(mac, _mac(secret, f"{user}.{purpose}.{expiry}", password_hash)):
        return False
    return expires_at > int(now.timestamp())
