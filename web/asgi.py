"""The ASGI entry point for uvicorn and gunicorn (servers only: tests build their apps with create_app)."""

import gc

from web.main import create_app

app = create_app()

# Everything alive now (modules, routes, models, compiled statements: ~150,000 objects) lives as long as the
# process. Frozen, the collector never walks it again: a full collection otherwise stops the event loop for ~100 ms
# on a small VM, and those pauses were the booking rush's p99 (bench/booking_rush.py).
gc.collect()
gc.freeze()
