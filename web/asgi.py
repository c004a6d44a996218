"""The ASGI entry point for uvicorn and gunicorn."""

from web.main import create_app

app = create_app()
