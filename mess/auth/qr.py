"""Check-in QR tokens signed with Ed25519: a counter verifies them offline with the public key alone.

`r<resident>.<expiry>.<signature>`: the signature (64 bytes, base64url) covers `qr1:r<resident>.<expiry>`. The key
pair is derived from the app's secret key, so every process and every restart signs with the same key without new
configuration; rotating the secret rotates the key (open codes live two minutes)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class QrTokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@lru_cache(maxsize=4)
def _private_key(secret: str) -> Ed25519PrivateKey:
    seed = hashlib.sha256(f"qr-ed25519:{secret}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


@lru_cache(maxsize=4)
def _public_key(secret: str) -> Ed25519PublicKey:
    return _private_key(secret).public_key()


def public_key(secret: str) -> str:
    """The raw 32-byte public key, base64url: what a counter needs to verify codes offline."""
    raw = _public_key(secret).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def issue_qr_token(resident_id: int, secret: str, now: datetime, seconds: int) -> str:
    body = f"r{resident_id}.{int(now.timestamp()) + seconds}"
    return f"{body}.{_b64(_private_key(secret).sign(f'qr1:{body}'.encode()))}"


def read_qr_token(token: str, secret: str, now: datetime) -> int:
    """The resident id of a valid token; QrTokenError('invalid'|'expired') otherwise."""
    try:
        resident_part, expiry_part, signature = token.strip().split(".")
        if not resident_part.startswith("r") or len(signature) != 86:
            raise ValueError
        resident_id, expiry = int(resident_part[1:]), int(expiry_part)
        raw = base64.urlsafe_b64decode(signature + "==")
        _public_key(secret).verify(raw, f"qr1:{resident_part}.{expiry_part}".encode())
    except (ValueError, InvalidSignature) as exc:
        raise QrTokenError("invalid") from exc
    if expiry <= int(now.timestamp()):
        raise QrTokenError("expired")
    return resident_id
