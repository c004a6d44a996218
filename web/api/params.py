"""Shared parameter types: ids fit PostgreSQL's integer, so an oversized one is a 422, not a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from mess.kit.ids import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# An offset past every row is an empty page; one past a 64-bit integer would be a database error.
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
# Every list's page size: its own default, one ceiling (a larger page is a 422, not a slow response).
Limit = Annotated[int, Query(ge=1, le=5000)]
