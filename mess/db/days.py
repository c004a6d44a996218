"""A range of days as a derived table, for set-based statements that need one row per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, literal, select, union_all

from mess.kit.dates import each_day


def day_table(start: date, end: date, name: str, column: str = "day") -> Any:
    """The days start..end as a derived table of one column (portable: a UNION ALL of literals)."""
    days = [select(literal(day, Date).label(column)) for day in each_day(start, end)]
    return (days[0] if len(days) == 1 else union_all(*days)).subquery(name)
