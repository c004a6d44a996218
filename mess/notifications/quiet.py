"""Quiet hours: a person's window of local time (of their mess) when nothing but the inbox may reach them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from mess.kit.dates import local_instant, zone


def quiet_until(now: datetime, tz_name: str, start: time | None, end: time | None) -> datetime | None:
    """None when `now` is outside the quiet hours (or there are none); else the UTC instant they end.

    The window is [start, end) in the mess's wall-clock time and may cross midnight (22:00 .. 07:00). Each end is
    found on the local calendar, so a DST change inside the window moves its end by the hour the clocks moved."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone(tz_name))
    at, today = local.time().replace(tzinfo=None), local.date()
    if start < end:
        quiet, ends_on = start <= at < end, today
    elif at >= start:
        quiet, ends_on = True, today + timedelta(days=1)
    else:
        quiet, ends_on = at < end, today
    if not quiet:
        return None
    return max(local_instant(ends_on, end, tz_name), now.astimezone(UTC))
