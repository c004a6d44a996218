"""How a person reads money, dates, times and durations (PRODUCT 7): one module, mess.text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from mess import text
from mess.kit.clock import FixedClock, get_clock, set_clock


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (111290, "INR", "₹1,112.90"),
        (0, "INR", "₹0.00"),
        (5, "INR", "₹0.05"),
        (-25000, "INR", "-₹250.00"),
        (123456789, "INR", "₹1,234,567.89"),
        (1999, "USD", "$19.99"),
        (1200, "CHF", "CHF 12.00"),
        (None, "inr", "₹0.00"),
    ],
)
def test_money(amount: int | None, currency: str, shown: str) -> None:
    assert text.money(amount, currency) == shown


def test_amounts_without_currency() -> None:
    assert text.plain_amount(-123456) == "-1,234.56"
    assert text.decimal_amount(111290) == "1112.90"
    assert text.decimal_amount(7) == "0.07"


def test_dates_carry_the_year_only_when_it_is_not_the_current_one() -> None:
    today = date(2026, 12, 15)
    assert text.day(date(2026, 12, 1), today) == "Tue 01 Dec"
    assert text.day(date(2025, 12, 1), today) == "Mon 01 Dec 2025"
    assert text.day(date(2027, 1, 4), today) == "Mon 04 Jan 2027"


def test_today_comes_from_the_clock() -> None:
    before = get_clock()
    set_clock(FixedClock(datetime(2027, 3, 1, tzinfo=UTC)))
    try:
        assert text.day(date(2027, 2, 2)) == "Tue 02 Feb"
        assert text.day(date(2026, 2, 2)) == "Mon 02 Feb 2026"
    finally:
        set_clock(before)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(time(19, 30), "7:30 pm"), (time(0, 5), "12:05 am"), (time(12, 0), "12:00 pm"), (time(7, 0), "7:00 am")],
)
def test_clock_time(value: time, shown: str) -> None:
    assert text.clock_time(value) == shown


def test_moment_is_local_to_the_mess() -> None:
    # 14:00 UTC is 19:30 in Kolkata, and 15:00 in Berlin in winter.
    instant = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert text.moment(instant, "Asia/Kolkata", today=date(2026, 12, 1)) == "Tue 01 Dec, 7:30 pm"
    assert text.moment(instant, "Europe/Berlin", today=date(2027, 1, 1)) == "Tue 01 Dec 2026, 3:00 pm"
    # 20:00 UTC on the 31st is already the new year in Kolkata.
    late = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    assert text.moment(late, "Asia/Kolkata", today=date(2027, 1, 1)) == "Fri 01 Jan, 1:30 am"


def test_month_and_counts() -> None:
    assert text.month("2026-12") == "December 2026"
    assert text.count(1, "bill") == "1 bill" and text.count(1200, "bill") == "1,200 bills"
    assert text.count(2, "entry", "entries") == "2 entries"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0 min"), (45, "45 min"), (150, "2 h 30 min"), (timedelta(days=3), "3 days"), (60 * 28, "1 day 4 h")],
)
def test_duration(value: int | timedelta, shown: str) -> None:
    assert text.duration(value) == shown
    with pytest.raises(ValueError):
        text.duration(-1)
