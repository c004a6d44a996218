"""A booking is acknowledged only after it is committed.

The database connection is cut exactly at COMMIT (a deferred constraint trigger terminates its own backend, as a
PostgreSQL restart or failover does to open connections): the client must not get a 200 for a change the database
never stored. This is the deterministic form of what the restart test can only hit by chance.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.support.procs import MessServer
from tests.support.services import PrivatePostgres
from tests.support.world import build_world, future_days

pytestmark = [pytest.mark.postgres]

# Fires at COMMIT (deferred) only for the poisoned value: the backend terminates itself mid-commit.
CUT_AT_COMMIT = """
CREATE FUNCTION cut_connection_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.guests = 4 THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
    PERFORM pg_sleep(5);  -- the termination interrupt lands here, inside COMMIT
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER cut_connection_at_commit AFTER INSERT OR UPDATE ON booking
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cut_connection_at_commit();
"""


async def test_a_booking_whose_commit_fails_is_not_acknowledged(
    private_pg: PrivatePostgres, pg_url: str, start_server: Callable[..., MessServer]
) -> None:
    world = await build_world(pg_url)
    private_pg.psql(pg_url.rsplit("/", 1)[1], CUT_AT_COMMIT)
    server = start_server(pg_url)
    day = future_days(1)[0].isoformat()
    headers = world.resident.headers
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        before = await http.put(f"/api/v1/bookings/{day}/lunch", json={"guests": 1}, headers=headers)
        assert before.status_code == 200, before.text

        poisoned = await http.put(f"/api/v1/bookings/{day}/lunch", json={"guests": 4}, headers=headers)
        assert poisoned.status_code == 503, f"acknowledged a change that was never committed: {poisoned.text}"
        assert poisoned.json()["code"] == "database_unavailable"

        # The stored state is the last committed one, and the app keeps serving on fresh connections.
        after = await http.get(f"/api/v1/bookings?from={day}&to={day}", headers=headers)
        assert after.status_code == 200, after.text
        lunch = next(row for row in after.json() if row["slot"] == "lunch")
        assert (lunch["booked"], lunch["guests"]) == (True, 1)
