"""The ASGI entry point for uvicorn and gunicorn (servers only: tests build their apps with create_app)."""

import gc

from web.main import create_app

app = create_app()

# Everything alive now (modules, routes, models, compiled statements: ~150,000 objects) lives as long as the
# process. Frozen, the collector never walks it again: a full collection of it took ~100 ms on the 2-core
# development VM, a pause in which no request of the worker moves.
gc.collect()
gc.freeze()
