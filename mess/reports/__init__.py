"""Report queries for the analytics app and the REST API: one module per dashboard, all SQL in repository.py."""
