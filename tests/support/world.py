"""Data for tests against a running `mess serve`: World (tests/factories.py) on the server's database.

A mess (the demo slots) with its warden, staff and residents, made through the mess services; their tokens are signed
with the server's secret at the real time, so the subprocess accepts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mess.config import Settings
from mess.db.engine import Database
from mess.kit.clock import FixedClock
from tests.factories import Person, World
from tests.support.procs import TEST_SECRET


@dataclass
class LiveWorld:
    mess_id: int
    mess_code: str
    warden: Person
    staff: Person
    residents: list[Person] = field(default_factory=list)

    @property
    def resident(self) -> Person:
        return self.residents[0]


async def build_world(database_url: str, *, residents: int = 1, **policy: Any) -> LiveWorld:
    """One mess (the demo slots) with a warden, a staff member and `residents` residents since 2025-01-01."""
    settings = Settings(environment="test", database_url=database_url, secret_key=TEST_SECRET)  # type: ignore[arg-type]
    database = Database(settings, null_pool=True)
    world = World(database, settings, FixedClock(datetime.now(UTC)))
    try:
        mess = await world.mess(**policy)
        warden = await world.user("warden", mess.id)
        staff = await world.user("staff", mess.id)
        people = [await world.resident(mess.id) for _ in range(residents)]
    finally:
        await database.dispose()
    return LiveWorld(mess.id, mess.code, warden, staff, people)


def future_days(count: int, *, after: int = 3) -> list[date]:
    """Dates comfortably before every cutoff (local dates start `after` days from now)."""
    today = datetime.now(UTC).date()
    return [today + timedelta(days=after + i) for i in range(count)]
