"""QR codes (mess/auth/qr.py): Ed25519 codes, and the HMAC codes of the release before, which the server still reads
for the two minutes they live, so that a code open on a phone at deploy time is not refused as invalid."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from mess.auth.qr import QrTokenError, issue_qr_token, read_qr_token, verify_qr_token

SECRET = "a-secret-key-for-tests"
NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)


def hmac_code(resident_id: int, secret: str, expires: datetime) -> str:
    """A code exactly as the release before issued it: r<id>.<expiry>.<HMAC-SHA256, 18 bytes, base64url>."""
    body = f"r{resident_id}.{int(expires.timestamp())}"
    digest = hmac.new(f"qr:{secret}".encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{base64.urlsafe_b64encode(digest[:18]).decode().rstrip('=')}"


def test_ed25519_codes_read_until_they_expire():
    token = issue_qr_token(42, SECRET, NOW, 120)
    assert read_qr_token(token, SECRET, NOW + timedelta(seconds=119)) == 42
    with pytest.raises(QrTokenError, match="expired"):
        read_qr_token(token, SECRET, NOW + timedelta(seconds=120))
    assert verify_qr_token(token, "another-secret") is None
    assert verify_qr_token(token.replace("r42.", "r43.", 1), SECRET) is None


def test_hmac_codes_open_at_deploy_time_are_read_for_their_remaining_lifetime():
    old = hmac_code(7, SECRET, NOW + timedelta(seconds=90))
    assert read_qr_token(old, SECRET, NOW) == 7
    with pytest.raises(QrTokenError, match="expired"):
        read_qr_token(old, SECRET, NOW + timedelta(seconds=90))
    for forged in (hmac_code(7, "another-secret", NOW + timedelta(seconds=90)), old.replace("r7.", "r8.", 1)):
        with pytest.raises(QrTokenError, match="invalid"):
            read_qr_token(forged, SECRET, NOW)
    for garbage in ("", "r7", "r7.1.2.3", "x7.1.abc", "r7.1." + "A" * 85, "r7.1." + "!" * 86):
        assert verify_qr_token(garbage, SECRET) is None
