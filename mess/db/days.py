"""A range of days as a derived table, for set-based statements that need one row per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, bindparam, literal, select, union_all

from mess.kit.dates import each_day


def day_table(start: date, end: date, name: str, column: str = "day") -> Any:
    """The days start..end as a derived table of one column (portable: a UNION ALL of literals)."""
    days = [select(literal(day, Date).label(column)) for day in each_day(start, end)]
    return (days[0] if len(days) == 1 else union_all(*days)).subquery(name)


def bound_day_table(count: int, name: str, column: str = "day") -> Any:
    """`count` days as a derived table like day_table's, each a bind parameter (`<column>_0` ..): for a statement
    built once and executed with the days as parameters (bound_days gives them)."""
    days = [select(bindparam(f"{column}_{i}", type_=Date).label(column)) for i in range(count)]
    return (days[0] if len(days) == 1 else union_all(*days)).subquery(name)


def bound_days(start: date, end: date, column: str = "day") -> dict[str, date]:
    """The parameters of a bound_day_table of the days start..end."""
    return {f"{column}_{i}": day for i, day in enumerate(each_day(start, end))}
