"""A local Web Push service for the tests: an HTTP server on 127.0.0.1 that takes a push message the way a push
service does (RFC 8030), checks its VAPID authorization (RFC 8292: an ES256 JWT signed by the key in `k`, for
this origin, not expired) and decrypts the payload as the browser would (RFC 8291, aes128gcm, with http_ece) using
a subscription whose keys the test made like a browser does (an ECDH P-256 key pair and a 16-byte auth secret)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """What a browser keeps for one push subscription: its ECDH key pair and auth secret."""

    name: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        public = self.private_key.public_key()
        return _b64(public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


@dataclass
class Received:
    path: str
    payload: dict[str, Any]
    ttl: str | None
    claims: dict[str, Any]
    vapid_key: str


class PushService:
    """Answers 201 to a push it could verify and decrypt; 410 for an endpoint marked gone; 503 while `failing`."""

    def __init__(self, port: int) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.gone: set[str] = set()
        self.failing = False
        self.lock = threading.Lock()

    def subscribe(self, name: str) -> tuple[Browser, dict[str, Any]]:
        """A new browser subscription: the browser's keys, and the JSON it would give the page."""
        browser = Browser(name)
        self.browsers[f"/push/{name}"] = browser
        subscription = {
            "endpoint": f"{self.origin}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": browser.p256dh, "auth": _b64(browser.auth)},
        }
        return browser, subscription

    def messages(self, name: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == f"/push/{name}"]

    def wait_for(self, name: str, count: int = 1, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages(name)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"{count} push(es) to {name} not received in {timeout} s; refused: {self.refused}")

    def check_vapid(self, authorization: str) -> tuple[dict[str, Any], str]:
        """`vapid t=<JWT>, k=<public key>`: the JWT's ES256 signature by k, aud = this origin, exp ahead, a sub."""
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"not a VAPID authorization: {scheme!r}")
        parts = dict(item.strip().split("=", 1) for item in params.split(","))
        token, key = parts["t"], parts["k"]
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(_unb64(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"JWT alg {header.get('alg')!r}")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key))
        raw = _unb64(signature_b64)
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise ValueError("the VAPID JWT's signature does not match k") from exc
        claims = json.loads(_unb64(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        if not int(claims.get("exp", 0)) > time.time():
            raise ValueError("the VAPID JWT has expired")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError(f"sub {claims.get('sub')!r}")
        return claims, key


def _handler(service: PushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if service.failing:
                return self._answer(503)
            if self.path in service.gone:
                return self._answer(410)
            browser = service.browsers.get(self.path)
            try:
                if browser is None:
                    raise ValueError(f"no subscription at {self.path}")
                if self.headers.get("Content-Encoding") != "aes128gcm":
                    raise ValueError(f"Content-Encoding {self.headers.get('Content-Encoding')!r}")
                claims, key = service.check_vapid(self.headers.get("Authorization", ""))
                plain = http_ece.decrypt(body, private_key=browser.private_key, auth_secret=browser.auth)
                payload = json.loads(plain)
            except Exception as exc:  # recorded for the test's message, and refused as a push service would
                with service.lock:
                    service.refused.append(f"{self.path}: {exc}")
                return self._answer(400)
            with service.lock:
                service.received.append(Received(self.path, payload, self.headers.get("TTL"), claims, key))
            self._answer(201)

    return Handler


@contextmanager
def push_service(port: int = 0) -> Iterator[PushService]:
    """A push service on loopback http: the server must allow its origin (`service.origin`) in
    MESS_PUSH_ENDPOINT_HOSTS, as no real deployment would. `port` fixes the port for a server started first."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(PushService(0)))
    service = PushService(server.server_address[1])
    server.RequestHandlerClass = _handler(service)
    thread = threading.Thread(target=server.serve_forever, name="push-service", daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
