"""Shared parameter types: ids fit PostgreSQL's integer, so an oversized one is a 422, not a database error; a date
is YYYY-MM-DD and a flag true or false, as the OpenAPI says (pydantic alone would take `0` for 1970-01-01 and
`yes` or `1` for true)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import BeforeValidator

from mess.kit.ids import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# An offset past every row is an empty page; one past a 64-bit integer would be a database error.
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
# Every list's page size: its own default, one ceiling (a larger page is a 422, not a slow response).
Limit = Annotated[int, Query(ge=1, le=5000)]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date as YYYY-MM-DD")


def _flag(value: object) -> object:
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("true or false")


Day = Annotated[dt.date, BeforeValidator(_iso_date)]
Flag = Annotated[bool, BeforeValidator(_flag)]
