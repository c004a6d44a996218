"""Shared helpers for tests that run real processes: the app server, a Celery worker, private databases."""
