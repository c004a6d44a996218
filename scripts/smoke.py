#!/usr/bin/env python3
"""Smoke check of a running deployment: readiness (database and broker), a sign-in, and a booking.

    MESS_SMOKE_LOGIN=... MESS_SMOKE_PASSWORD=... scripts/smoke.py https://mess.example.edu [--book]

1. GET /readyz answers 200: the web tier reaches PostgreSQL and Redis.
2. POST /api/v1/auth/token signs the smoke account in; GET /api/v1/me answers with it (a database read).
3. GET /api/v1/bookings for the coming week (a resident's effective bookings: a real query over the schema).
4. --book (staging, and the N-1 compatibility test): PUT a booking a week ahead, then read it back as booked.
Standard library only, so the CD runner needs nothing installed. Retries readiness for --wait seconds (a rollout
settling); every later step must pass on the first try. Exit 0 on success, 1 with the failing step otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from typing import Any


class SmokeFailed(Exception):
    pass


def _call(method: str, url: str, *, token: str | None = None, form: dict[str, str] | None = None) -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif method in {"PUT", "POST"}:
        data = b'{"guests": 0}'
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310 - the operator's URL
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        return status, body.decode(errors="replace")[:500]


def _expect(step: str, status: int, body: Any, wanted: int = 200) -> Any:
    if status != wanted:
        raise SmokeFailed(f"{step}: HTTP {status}, expected {wanted}: {body}")
    print(f"ok  {step}")
    return body


def smoke(base: str, login: str, password: str, *, book: bool, wait: float) -> None:
    base = base.rstrip("/")
    deadline = time.monotonic() + wait
    while True:
        try:
            status, body = _call("GET", f"{base}/readyz")
        except OSError as exc:  # connection refused, DNS, TLS: the rollout may still be settling
            status, body = 0, str(exc)
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(3)
    _expect("GET /readyz (database and broker reachable)", status, body)
    status, body = _call("POST", f"{base}/api/v1/auth/token", form={"username": login, "password": password})
    token = _expect(f"sign in as {login}", status, body)["access_token"]
    me = _expect("GET /api/v1/me", *_call("GET", f"{base}/api/v1/me", token=token))
    if me.get("role") != "resident":
        return
    start, end = date.today(), date.today() + timedelta(days=7)
    query = urllib.parse.urlencode({"from": start.isoformat(), "to": end.isoformat()})
    rows = _expect("GET /api/v1/bookings (this week)", *_call("GET", f"{base}/api/v1/bookings?{query}", token=token))
    if not book:
        return
    slots = _expect("GET /api/v1/slots", *_call("GET", f"{base}/api/v1/slots", token=token))
    if not slots:
        raise SmokeFailed("the smoke resident's mess has no slots")
    slot = slots[-1]["code"]
    day = end.isoformat()
    _expect(f"PUT booking {day} {slot}", *_call("PUT", f"{base}/api/v1/bookings/{day}/{slot}", token=token))
    query = urllib.parse.urlencode({"from": day, "to": day})
    rows = _expect("read the booking back", *_call("GET", f"{base}/api/v1/bookings?{query}", token=token))
    if not any(r.get("slot") == slot and r.get("booked") for r in rows):
        raise SmokeFailed(f"the booking {day} {slot} is not in {rows}")
    print(f"ok  {day} {slot} is booked")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="base URL of the deployment, e.g. https://mess.example.edu")
    parser.add_argument("--book", action="store_true", help="also book a meal a week ahead (not in production)")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for /readyz to answer 200")
    args = parser.parse_args(argv)
    login, password = os.environ.get("MESS_SMOKE_LOGIN"), os.environ.get("MESS_SMOKE_PASSWORD")
    if not login or not password:
        print("MESS_SMOKE_LOGIN and MESS_SMOKE_PASSWORD must be set (the smoke account)", file=sys.stderr)
        return 2
    try:
        smoke(args.url, login, password, book=args.book, wait=args.wait)
    except (SmokeFailed, OSError, KeyError, TypeError) as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
