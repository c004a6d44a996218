"""How a person reads things (PRODUCT 7): money in the mess's currency, local dates and times, durations.

The API keeps integers in minor units and ISO dates; pages, emails, PDFs and CSVs a person reads use these.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from mess.kit.clock import utcnow
from mess.kit.dates import parse_month, zone

# A symbol where a person expects one; any other ISO code is written before the amount ("CHF 12.00").
SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "AUD": "A$", "CAD": "C$"}


def money(amount: int | None, currency: str = "INR") -> str:
    """111290 -> '₹1,112.90'; -25000 -> '-₹250.00'. Every currency is kept in hundredths (minor units)."""
    value = int(amount or 0)
    sign = "-" if value < 0 else ""
    code = (currency or "INR").upper()
    symbol = SYMBOLS.get(code)
    prefix = symbol if symbol else f"{code} "
    return f"{sign}{prefix}{plain_amount(abs(value))}"


def plain_amount(amount: int) -> str:
    """111290 -> '1,112.90' (no currency)."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 100)
    return f"{sign}{major:,}.{minor:02d}"


def decimal_amount(amount: int) -> str:
    """111290 -> '1112.90': no separators, for machines that read a person's number (a UPI link)."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 100)
    return f"{sign}{major}.{minor:02d}"


def _today() -> date:
    return utcnow().date()


def day(value: date, today: date | None = None) -> str:
    """'Tue 01 Dec', with the year when it is not the current one ('Tue 01 Dec 2025')."""
    current = today or _today()
    label = value.strftime("%a %d %b")
    return label if value.year == current.year else f"{label} {value.year}"


def clock_time(value: time | datetime) -> str:
    """19:30 -> '7:30 pm'; midnight is '12:00 am', noon '12:00 pm'."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def moment(value: datetime, tz_name: str, today: date | None = None) -> str:
    """An instant in the mess's local time: 'Tue 01 Dec, 7:30 pm'."""
    local = value.astimezone(zone(tz_name))
    current = today or utcnow().astimezone(zone(tz_name)).date()
    return f"{day(local.date(), current)}, {clock_time(local)}"


def month(value: str) -> str:
    """'2026-12' -> 'December 2026'."""
    year, mon = parse_month(value)
    return f"{calendar.month_name[mon]} {year}"


def duration(value: timedelta | int) -> str:
    """A span a person reads: '45 min', '2 h 30 min', '3 days', '1 day 4 h'. An int counts minutes."""
    minutes = value if isinstance(value, int) else int(value.total_seconds() // 60)
    if minutes < 0:
        raise ValueError("a duration is never negative")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day" if days == 1 else f"{days} days")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts) or "0 min"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """count(1, 'bill') -> '1 bill'; count(3, 'bill') -> '3 bills'."""
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"


def span(start: date, end: date, today: date | None = None) -> str:
    """A run of days: 'Mon 07 Dec' or 'Mon 07 Dec to Wed 09 Dec' (years as day() shows them)."""
    if start == end:
        return day(start, today)
    return f"{day(start, today)} to {day(end, today)}"


def today_at(now: datetime, tz_name: str) -> date:
    """The mess's date at an instant (the injectable clock's now)."""
    return now.astimezone(zone(tz_name)).date()


def local_today(tz_name: str) -> date:
    """The mess's today, which decides whether a date needs its year."""
    return utcnow().astimezone(zone(tz_name)).date()


def until(closes: datetime, now: datetime) -> str:
    """A countdown a person reads: 'closes in 2 h 10 min', 'closes in 1 min', or 'closed'."""
    left = closes - now
    if left.total_seconds() <= 0:
        return "closed"
    return f"closes in {duration(max(1, int(left.total_seconds() // 60)))}"


REVERSED_RANGE = "The last day of the range is before the first day."
