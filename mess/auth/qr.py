"""Check-in QR tokens signed with Ed25519: a counter verifies them offline with the public key alone.

`r<resident>.<expiry>.<signature>`: the signature (64 bytes, base64url) covers `qr1:r<resident>.<expiry>`. The key
pair is derived from the app's secret key, so every process and every restart signs with the same key without new
configuration; rotating the secret rotates the key (open codes live two minutes). The HMAC codes of the release
before are still read by the server for their remaining lifetime (_legacy_mac)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class QrCode:
    """What a code this system issued says: whose it is and until when (Unix seconds, exclusive)."""

    resident_id: int
    expiry: int

    def expired(self, now: datetime) -> bool:
        return self.expiry <= int(now.timestamp())


def verify_qr_token(token: str, secret: str) -> QrCode | None:
    """The code's content when this system signed it; None for anything else (forged, altered, garbage)."""
    try:
        resident_part, expiry_part, signature = token.strip().split(".")
        if not resident_part.startswith("r"):
            raise ValueError
        resident_id, expiry = int(resident_part[1:]), int(expiry_part)
        body = f"{resident_part}.{expiry_part}"
        if len(signature) == len(_legacy_mac(secret, body)):
            if not hmac.compare_digest(signature, _legacy_mac(secret, body)):
                raise ValueError
        elif len(signature) == 86:
            _public_key(secret).verify(base64.urlsafe_b64decode(signature + "=="), f"qr1:{body}".encode())
        else:
            raise ValueError
    except (ValueError, InvalidSignature):
        return None
    return QrCode(resident_id, expiry)


def read_qr_token(token: str, secret: str, now: datetime) -> int:
    """The resident id of a valid token; QrTokenError('invalid'|'expired') otherwise."""
    code = verify_qr_token(token, secret)
    if code is None:
        raise QrTokenError("invalid")
    if code.expired(now):
        raise QrTokenError("expired")
    return code.resident_id


def _legacy_mac(secret: str, body: str) -> str:
    """The HMAC codes issued before the Ed25519 ones (24 characters), accepted by the server so that the codes open
    on residents' phones at deploy time keep working for the two minutes they have left: they are keyed with the
    same secret key, still configured, and none is issued any more. Counters offline cannot verify them (they have
    no secret); they refuse them as they refuse any code they cannot verify. Remove one release after Ed25519."""
    digest = hmac.new(f"qr:{secret}".encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")
