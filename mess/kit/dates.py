"""Local dates and months of a mess, and the cutoff arithmetic."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from mess.errors import InvalidInput

# YYYY-MM with a year that is a date's year (0001-9999; 0000 is none), in a regex pydantic's engine accepts.
MONTH_PATTERN = r"^(\d{3}[1-9]|\d{2}[1-9]\d|\d[1-9]\d{2}|[1-9]\d{3})-(0[1-9]|1[0-2])$"
MONTH_RE = re.compile(MONTH_PATTERN)


def parse_month(value: str) -> tuple[int, int]:
    match = MONTH_RE.match(value)
    if not match:
        raise ValueError("month must be YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def check_month(value: str) -> str:
    """A month as given (YYYY-MM), or the domain's 422 for anything else: the one month parser of the app."""
    try:
        parse_month(value)
    except ValueError as exc:
        raise InvalidInput(f"month must be YYYY-MM, got {value!r}", field="month") from exc
    return value


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a YYYY-MM month."""
    year, mon = parse_month(month)
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def days_in_month(month: str) -> int:
    year, mon = parse_month(month)
    return calendar.monthrange(year, mon)[1]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(month: str) -> str:
    year, mon = parse_month(month)
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


def next_month(month: str) -> str:
    year, mon = parse_month(month)
    return f"{year + 1:04d}-01" if mon == 12 else f"{year:04d}-{mon + 1:02d}"


def each_day(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# The IANA zones this host knows, read once (`available_timezones()` walks the zone directory: ~30 ms a call, which
# every mess created or changed paid twice). The OpenAPI lists them: a mess's time zone is one of them.
TIMEZONES = sorted(available_timezones())
_KNOWN_ZONES = frozenset(TIMEZONES)


def is_valid_timezone(name: str) -> bool:
    return name in _KNOWN_ZONES


def local_today(now: datetime, tz_name: str) -> date:
    return now.astimezone(zone(tz_name)).date()


def local_instant(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a local wall-clock time (the earlier one when DST makes it ambiguous)."""
    return datetime.combine(day, at, tzinfo=zone(tz_name)).astimezone(UTC)


def cutoff_instant(day: date, serve_start: time, cutoff_minutes: int, tz_name: str) -> datetime:
    """Booking closes cutoff_minutes of real time before the meal's local serving start."""
    return local_instant(day, serve_start, tz_name) - timedelta(minutes=cutoff_minutes)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def meal_end(day: date, serve_end: time, tz_name: str) -> datetime:
    """When a meal's serving window closes, in UTC: only then is it eaten or missed (PRODUCT 7.5)."""
    return datetime.combine(day, serve_end, tzinfo=zone(tz_name)).astimezone(UTC)
