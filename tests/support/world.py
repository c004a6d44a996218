"""Data for tests against a running `mess serve`: a mess, its warden, staff and residents, with real tokens.

Built through the mess services (the code paths the app uses) on the server's database; tokens are signed with
the server's secret and the real clock, so the subprocess accepts them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.messes.schemas import MessCreate
from mess.messes.service import create_mess
from mess.models import Resident
from mess.residents.schemas import ResidentCreate
from mess.residents.service import create_resident
from mess.users.schemas import UserCreate
from mess.users.service import create_user
from tests.factories import ADMIN, DEMO_SLOTS, PASSWORD
from tests.support.procs import TEST_SECRET

_seq = itertools.count(1)


@dataclass
class Member:
    actor: Actor
    token: str
    roll_no: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class LiveWorld:
    mess_id: int
    mess_code: str
    warden: Member
    staff: Member
    residents: list[Member] = field(default_factory=list)

    @property
    def resident(self) -> Member:
        return self.residents[0]


def _token(actor: Actor) -> str:
    return issue_access_token(actor, TEST_SECRET, datetime.now(UTC), 24 * 60)


async def build_world(database_url: str, *, residents: int = 1, **policy: Any) -> LiveWorld:
    """One mess (the demo slots) with a warden, a staff member and `residents` residents since 2025-01-01."""
    settings = Settings(environment="test", database_url=database_url, secret_key=TEST_SECRET)
    database = Database(settings, null_pool=True)
    now = datetime.now(UTC)
    n = next(_seq)
    code = f"F{n}"
    try:
        async with database.transaction() as session:
            mess = await create_mess(
                session, ADMIN, MessCreate(name=f"Fault mess {code}", code=code, slots=DEMO_SLOTS, **policy), now
            )
            people = []
            for role in ("warden", "staff"):
                login = f"{role}{code.lower()}"
                out = await create_user(
                    session,
                    ADMIN,
                    UserCreate(login=login, name=f"{role} {code}", password=PASSWORD, role=role, mess_id=mess.id),
                    now,
                )
                actor = Actor(out.id, out.role, out.mess_id, out.login, out.name)
                people.append(Member(actor, _token(actor)))
            members = []
            for i in range(residents):
                roll_no = f"{code}R{i:04d}"
                created = await create_resident(
                    session,
                    ADMIN,
                    ResidentCreate(
                        roll_no=roll_no,
                        name=f"Resident {roll_no}",
                        email=f"{roll_no.lower()}@example.edu",
                        password=PASSWORD,
                        diet="veg",
                        active_from=date(2025, 1, 1),
                        mess_id=mess.id,
                    ),
                    now,
                )
                row = await session.get(Resident, created.id)
                assert row is not None
                actor = Actor(row.user_id, "resident", mess.id, roll_no, created.name, created.id)
                members.append(Member(actor, _token(actor), roll_no))
        return LiveWorld(mess.id, code, people[0], people[1], members)
    finally:
        await database.dispose()


def future_days(count: int, *, after: int = 3) -> list[date]:
    """Dates comfortably before every cutoff (local dates start `after` days from now)."""
    today = datetime.now(UTC).date()
    return [today + timedelta(days=after + i) for i in range(count)]
