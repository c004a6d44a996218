"""Web Push (RFC 8030/8291/8292) with VAPID, through pywebpush: the server's key pair and one send.

Keys: MESS_VAPID_PRIVATE_KEY (base64url of the raw 32-byte P-256 private key; `mess vapid-keys` makes a pair) and
MESS_VAPID_SUBJECT (a mailto: or https: contact the push services may use). Without a key, development and tests
generate one on first use and keep it in MESS_VAPID_KEY_FILE (./mess-vapid.key beside the embedded database), so
`make run` has push; production without a key has no push (the subscribe button stays hidden).
"""

from __future__ import annotations

import base64
import json
import os
from typing import NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mess.config import Settings


class VapidKeys(NamedTuple):
    private_key: str  # base64url, raw 32-byte scalar
    public_key: str  # base64url, uncompressed point (65 bytes): the browser's applicationServerKey


class PushGone(Exception):
    """The push service no longer knows the subscription (404/410)."""


class PushFailed(Exception):
    """Refused for good (another 4xx): sending again would not help."""


class PushUnavailable(Exception):
    """Not delivered this time (network, 429, 5xx): try again later."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _public_of(private: ec.EllipticCurvePrivateKey) -> str:
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def generate_keys() -> VapidKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(b64url(raw), _public_of(private))


def keys_from_private(private_b64: str) -> VapidKeys:
    raw = b64url_decode(private_b64.strip())
    if len(raw) != 32:
        raise ValueError("MESS_VAPID_PRIVATE_KEY must be the base64url raw 32-byte key that `mess vapid-keys` prints")
    private = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return VapidKeys(private_b64.strip(), _public_of(private))


def _key_file(path: str) -> VapidKeys:
    """Read the kept key, or make and keep one (O_EXCL: of two processes starting at once, one writes it)."""
    if not os.path.exists(path):
        keys = generate_keys()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(keys.private_key + "\n")
            return keys
    with open(path) as handle:
        return keys_from_private(handle.read())


def load_keys(settings: Settings) -> VapidKeys | None:
    """The server's VAPID key pair, or None when push is not set up (production without a key)."""
    if settings.vapid_private_key is not None:
        return keys_from_private(settings.vapid_private_key.get_secret_value())
    if settings.environment == "production":
        return None
    return _key_file(settings.vapid_key_file)


def send(
    keys: VapidKeys, subject: str, endpoint: str, p256dh: str, auth: str, payload: dict[str, str], ttl: int
) -> None:
    """Encrypt (aes128gcm, RFC 8291) and POST one message with a VAPID JWT; raises PushGone, PushFailed or
    PushUnavailable."""
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush
    from requests import RequestException

    subscription = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    try:
        webpush(
            subscription,
            json.dumps(payload),
            vapid_private_key=Vapid.from_raw(keys.private_key.encode()),
            vapid_claims={"sub": subject},  # a fresh dict: webpush writes aud and exp into it
            ttl=ttl,
            timeout=10,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise PushGone(str(status)) from exc
        if status is None or status == 429 or status >= 500:
            raise PushUnavailable(f"push service answered {status}") from exc
        raise PushFailed(f"push service refused: {status}") from exc
    except RequestException as exc:
        raise PushUnavailable(f"push service unreachable: {type(exc).__name__}") from exc
