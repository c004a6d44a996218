"""The case-insensitive migration refuses to run over logins or roll numbers that differ only in case."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from mess.db.migrate import upgrade
from tests.support.databases import sync_url

BEFORE = "05_headcount_roster_version"


def test_colliding_rows_stop_the_migration_and_are_named(fresh_url):
    upgrade(fresh_url, BEFORE)
    engine = create_engine(sync_url(fresh_url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mess (id, name, code, timezone, currency, booking_mode, cutoff_minutes, "
                "min_rebate_days, max_guests, allow_walk_in, created_at, roster_version) VALUES "
                "(1, 'M', 'M', 'Asia/Kolkata', 'INR', 'opt_in', 720, 3, 5, true, "
                "'2026-01-01 00:00:00', '')"
            )
        )
        for user_id, login in ((1, "R0004"), (2, "r0004"), (3, "warden")):
            connection.execute(
                text(
                    "INSERT INTO user_account (id, login, name, role, mess_id, password_hash, is_active, created_at) "
                    "VALUES (:id, :login, 'N', 'resident', 1, 'x', true, '2026-01-01 00:00:00')"
                ),
                {"id": user_id, "login": login},
            )
    with pytest.raises(Exception) as caught:
        upgrade(fresh_url)
    message = str(caught.value)
    assert "'R0004' (id 1)" in message and "'r0004' (id 2)" in message and "warden" not in message
    with engine.begin() as connection:
        connection.execute(text("UPDATE user_account SET login = 'R0005' WHERE id = 2"))
    upgrade(fresh_url)  # once renamed, it runs
    engine.dispose()
