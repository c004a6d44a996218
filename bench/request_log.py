"""Per-request cost of web/requestlog (request id, log context, one JSON access line) on a bare ASGI app.

    python -m bench.request_log

The same minimal app is called directly and through RequestLogMiddleware, in-process (no server, no sockets),
timed in CPU time, with the access line formatted as in the containers (JSON) and written to /dev/null. The
difference of the two medians is the middleware's cost per request. A figure to read, not a test: nothing is asserted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import time
from typing import Any

from mess.config import Settings
from mess.kit import logs
from web.requestlog import RequestLogMiddleware

N = 20_000
ROUNDS = 5


async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def per_request(app: Any) -> float:
    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [(b"host", b"t")]}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        return None

    started = time.process_time()  # CPU time of this process: the machine's other load does not count
    for _ in range(N):
        await app(dict(scope), receive, send)
    return (time.process_time() - started) / N


def main() -> None:
    with open(os.devnull, "w") as null:
        logs.configure(Settings(log_format="json", log_level="INFO"), stream=null)
        logging.getLogger("mess.access").setLevel(logging.INFO)
        wrapped = RequestLogMiddleware(bare)
        plain, logged = [], []
        for _ in range(ROUNDS):
            plain.append(asyncio.run(per_request(bare)))
            logged.append(asyncio.run(per_request(wrapped)))
    cost = statistics.median(logged) - statistics.median(plain)
    bare_us, logged_us = statistics.median(plain) * 1e6, statistics.median(logged) * 1e6
    print(f"bare app {bare_us:.1f} us, with the middleware {logged_us:.1f} us")
    print(f"SUMMARY | request_log | {cost * 1e6:.1f} us per request | < 50 us | {'ok' if cost < 50e-6 else 'slow'}")


if __name__ == "__main__":
    main()
