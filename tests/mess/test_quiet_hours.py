"""Quiet hours: in the mess's wall-clock time, across midnight and across a DST change."""

from __future__ import annotations

from datetime import UTC, datetime, time

from mess.notifications.quiet import quiet_until

NIGHT = (time(22, 0), time(7, 0))


def test_outside_and_inside_a_window_across_midnight():
    # Kolkata is UTC+5:30: 21:59 IST is before the quiet hours; 22:00 IST starts them until 07:00 IST next day.
    assert quiet_until(datetime(2026, 3, 10, 16, 29, tzinfo=UTC), "Asia/Kolkata", *NIGHT) is None
    ends = datetime(2026, 3, 11, 1, 30, tzinfo=UTC)
    assert quiet_until(datetime(2026, 3, 10, 16, 30, tzinfo=UTC), "Asia/Kolkata", *NIGHT) == ends
    assert quiet_until(datetime(2026, 3, 11, 0, 0, tzinfo=UTC), "Asia/Kolkata", *NIGHT) == ends  # 05:30 IST
    assert quiet_until(datetime(2026, 3, 11, 1, 30, tzinfo=UTC), "Asia/Kolkata", *NIGHT) is None  # 07:00 IST


def test_a_daytime_window_and_none():
    lunch = (time(13, 0), time(14, 0))
    assert quiet_until(datetime(2026, 3, 10, 8, 0, tzinfo=UTC), "Asia/Kolkata", *lunch) == datetime(
        2026, 3, 10, 8, 30, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 3, 10, 8, 30, tzinfo=UTC), "Asia/Kolkata", *lunch) is None
    assert quiet_until(datetime(2026, 3, 10, 8, 0, tzinfo=UTC), "Asia/Kolkata", None, None) is None


def test_the_night_the_clocks_go_forward_in_london():
    # Sat 28 Mar 23:00 GMT: quiet until Sun 29 Mar 07:00 BST = 06:00 UTC (a night one hour shorter).
    assert quiet_until(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), "Europe/London", *NIGHT) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    # 06:30 UTC that morning is 07:30 BST: no longer quiet, though it would be 06:30 in GMT.
    assert quiet_until(datetime(2026, 3, 29, 6, 30, tzinfo=UTC), "Europe/London", *NIGHT) is None
    # Sun 25 Oct: clocks go back; 06:30 UTC is 06:30 GMT, still quiet until 07:00 GMT.
    assert quiet_until(datetime(2026, 10, 25, 6, 30, tzinfo=UTC), "Europe/London", *NIGHT) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )
