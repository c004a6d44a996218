"""Celery queues of one test session on the shared Redis: a unique prefix, and its keys removed afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator


def session_queue_prefix(tag: str, redis_url: str) -> Iterator[str]:
    """Yield a queue prefix no other test session uses; then delete every Redis key carrying it."""
    prefix = f"{tag}-{os.getpid()}-{uuid.uuid4().hex[:6]}-"
    yield prefix
    try:
        import redis

        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()
    except Exception:  # noqa: S110 - nothing to clean when Redis was never reachable
        pass
