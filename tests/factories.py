"""Factories: build data through the mess services (the same code paths the app uses)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import httpx

from mess.auth.actor import Actor
from mess.auth.tokens import issue_access_token
from mess.config import Settings
from mess.db.engine import Database
from mess.kit.clock import FixedClock
from mess.messes.schemas import MessCreate, SlotIn
from mess.messes.service import create_mess
from mess.residents.schemas import ResidentCreate
from mess.residents.service import create_resident
from mess.users.schemas import UserCreate
from mess.users.service import create_user

DEMO_SLOTS = [
    SlotIn(code="breakfast", name="Breakfast", serve_start=time(7, 30), serve_end=time(9, 30)),
    SlotIn(code="lunch", name="Lunch", serve_start=time(12, 30), serve_end=time(14, 30)),
    SlotIn(code="snacks", name="Snacks", serve_start=time(17, 0), serve_end=time(18, 0)),
    SlotIn(code="dinner", name="Dinner", serve_start=time(19, 30), serve_end=time(21, 30)),
]
ADMIN = Actor(user_id=0, role="admin", mess_id=None, login="factory", name="Factory")
PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


@dataclass
class Person:
    """A signed-in user: the actor and ready-made auth headers."""

    actor: Actor
    headers: dict[str, str]
    resident_id: int | None = None
    roll_no: str | None = None

    @property
    def id(self) -> int:
        return self.actor.user_id

    @property
    def token(self) -> str:
        """The bare access token (the pages take it as the session cookie)."""
        return self.headers["Authorization"].removeprefix("Bearer ")


def bearer_headers(actor: Actor, secret: str, now: datetime, minutes: int = 60 * 24 * 365) -> dict[str, str]:
    """The Authorization header of a signed access token for actor, issued at now."""
    return {"Authorization": f"Bearer {issue_access_token(actor, secret, now, minutes)}"}


class World:
    """The one family of test data: messes, people and history made through the services (the app's code paths),
    signed in with the settings' secret at the clock's time. The client is the in-process app (none for data on a
    live server's database, tests/support/world.py); billing's row-level Scenario reuses it."""

    def __init__(
        self, database: Database, settings: Settings, clock: FixedClock, client: httpx.AsyncClient | None = None
    ):
        self.database = database
        self.settings = settings
        self.clock = clock
        self.client = client

    def headers_for(self, actor: Actor) -> dict[str, str]:
        return bearer_headers(actor, self.settings.secret_key.get_secret_value(), self.clock.now())

    async def mess(
        self, code: str | None = None, slots: list[SlotIn] | None = None, *, name: str | None = None, **policy: Any
    ) -> Any:
        code = code or f"M{next(_seq)}"
        data = MessCreate(
            name=name or f"Mess {code}", code=code, slots=slots if slots is not None else DEMO_SLOTS, **policy
        )
        async with self.database.transaction() as session:
            return await create_mess(session, ADMIN, data, self.clock.now())

    async def user(
        self, role: str, mess_id: int | None, *, login: str | None = None, name: str | None = None
    ) -> Person:
        login = login or f"{role}{next(_seq)}"
        name = name or f"{role.title()} {login}"
        async with self.database.transaction() as session:
            out = await create_user(
                session,
                ADMIN,
                UserCreate(login=login, name=name, password=PASSWORD, role=role, mess_id=mess_id),  # type: ignore[arg-type]
                self.clock.now(),
            )
        actor = Actor(out.id, out.role, out.mess_id, out.login, out.name)
        return Person(actor, self.headers_for(actor))

    async def resident(
        self,
        mess_id: int,
        *,
        active_from: date = date(2025, 1, 1),
        active_to: date | None = None,
        diet: str = "veg",
        roll_no: str | None = None,
        name: str | None = None,
    ) -> Person:
        roll_no = roll_no or f"R{next(_seq):05d}"
        async with self.database.transaction() as session:
            out = await create_resident(
                session,
                ADMIN,
                ResidentCreate(
                    roll_no=roll_no,
                    name=name or f"Resident {roll_no}",
                    email=f"{roll_no.lower()}@example.edu",
                    password=PASSWORD,
                    diet=diet,  # type: ignore[arg-type]
                    active_from=active_from,
                    active_to=active_to,
                    mess_id=mess_id,
                ),
                self.clock.now(),
            )
            from mess.models import Resident

            resident = await session.get(Resident, out.id)
            assert resident is not None
            user_id = resident.user_id
        actor = Actor(user_id, "resident", mess_id, roll_no, out.name, out.id)
        return Person(actor, self.headers_for(actor), resident_id=out.id, roll_no=roll_no)

    def at(self, when: datetime) -> None:
        self.clock.set(when)
