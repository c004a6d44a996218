"""Date sanity for money records (PRODUCT 7.2): a typo like 2031 or 2019 is refused, naming the date and the limit."""

from __future__ import annotations

from datetime import date, timedelta

from mess import text
from mess.errors import ErrorCode, InvalidInput

EFFECTIVE_AHEAD_DAYS = 366  # prices and fixed charges may be set up to a year ahead
RECORDED_BACK_DAYS = 400  # payments and expenses: today, or up to 400 days back


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, ErrorCode.DATE_OUT_OF_RANGE)


def effective_date(value: date, today: date, what: str) -> date:
    """An effective date at most EFFECTIVE_AHEAD_DAYS after the mess's today (any past date is a correction)."""
    latest = today + timedelta(days=EFFECTIVE_AHEAD_DAYS)
    if value > latest:
        raise _refuse(
            f"{what} cannot take effect on {text.day(value, today)}: at most {EFFECTIVE_AHEAD_DAYS} days ahead "
            f"(until {text.day(latest, today)})"
        )
    return value


def recorded_date(value: date, today: date, what: str) -> date:
    """A date something happened: not after the mess's today, not more than RECORDED_BACK_DAYS before it."""
    if value > today:
        shown = text.day(value, today)
        raise _refuse(f"{what} cannot be dated {shown}: that is after today ({text.day(today, today)})")
    earliest = today - timedelta(days=RECORDED_BACK_DAYS)
    if value < earliest:
        raise _refuse(
            f"{what} cannot be dated {text.day(value, today)}: at most {RECORDED_BACK_DAYS} days back "
            f"(from {text.day(earliest, today)})"
        )
    return value


def ahead_date(value: date, today: date, what: str) -> date:
    """A planned date (a leave) at most EFFECTIVE_AHEAD_DAYS after the mess's today: 2036 is a typo."""
    latest = today + timedelta(days=EFFECTIVE_AHEAD_DAYS)
    if value > latest:
        raise _refuse(
            f"{what} cannot reach {text.day(value, today)}: at most {EFFECTIVE_AHEAD_DAYS} days ahead "
            f"(until {text.day(latest, today)})"
        )
    return value
