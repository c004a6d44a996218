"""`mess worker` and `mess beat`: the Celery worker (metrics on 9808) and beat (metrics on 9809)."""

from __future__ import annotations

from mess.queues import QUEUES, queue_name


def run_worker(concurrency: int = 2, queues: str = ",".join(QUEUES)) -> int:
    from workers.celery_app import celery_app

    names = ",".join(queue_name(q.strip()) for q in queues.split(",") if q.strip())
    celery_app.worker_main(["worker", f"--concurrency={concurrency}", f"--queues={names}", "--loglevel=INFO"])
    return 0


def run_beat() -> int:
    from workers.celery_app import celery_app

    celery_app.start(["beat", "--loglevel=INFO"])
    return 0
