"""A resident's own booking change in ONE statement: the slot's terms, remembered, and the guarded upsert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Boolean, Date, Integer, String, Table, Time, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.bookings.repository import UPSERT_COLUMNS, leave_covers_resident, replacing_the_choice
from mess.kit import caches
from mess.kit.dates import cutoff_instant
from mess.messes.schemas import SlotOut
from mess.messes.service import slot_cutoff_minutes
from mess.models import Booking, Mess, Resident, Slot


@dataclass(frozen=True, slots=True)
class SlotTerms:
    """What a resident's booking of one slot is judged by: the mess and slot settings the cutoff, the guest limit
    and the answer come from."""

    mess_id: int
    mess_code: str
    timezone: str
    max_guests: int
    slot_id: int
    slot_code: str
    serve_start: time
    cutoff_minutes: int

    @classmethod
    def of(cls, mess: Mess, slot: Slot | SlotOut) -> SlotTerms:
        return cls(
            mess_id=mess.id,
            mess_code=mess.code,
            timezone=mess.timezone,
            max_guests=mess.max_guests,
            slot_id=slot.id,
            slot_code=slot.code,
            serve_start=slot.serve_start,
            cutoff_minutes=slot_cutoff_minutes(mess, slot),
        )

    def closes(self, day: date) -> datetime:
        """The instant booking the meal of `day` closes."""
        return cutoff_instant(day, self.serve_start, self.cutoff_minutes, self.timezone)

    def guard(self) -> dict[str, Any]:
        """The parameters of the SQL guard: the settings these terms were read from, as the statement re-checks."""
        return {
            "slot_id": self.slot_id,
            "slot_code": self.slot_code,
            "serve_start": self.serve_start,
            "timezone": self.timezone,
            "cutoff_minutes": self.cutoff_minutes,
        }


# Each server process remembers the terms of the slots its residents book (a few per mess), so that a resident's
# booking in the rush is one guarded statement instead of a read and then a write. A hint only: never trusted.
_known_terms: dict[tuple[int, str], SlotTerms] = {}
MAX_KNOWN_TERMS = 1024


def remember(terms: SlotTerms) -> None:
    if len(_known_terms) >= MAX_KNOWN_TERMS:
        _known_terms.clear()
    _known_terms[(terms.mess_id, terms.slot_code)] = terms


def known_terms(actor: Actor, slot_code: str) -> SlotTerms | None:
    """The remembered terms of a resident's own change; None for anyone else (staff changes are audited)."""
    if not actor.is_resident or actor.mess_id is None:
        return None
    return _known_terms.get((actor.mess_id, slot_code))


@caches.forgettable
def forget_all() -> None:
    _known_terms.clear()


@lru_cache(maxsize=4)
def _guarded_upsert_statement(dialect: str) -> Any:
    """The upsert of a resident's own booking, made only if everything the caller checked in Python still holds:
    same mess and slot settings (hence the same cutoff instant), in residence that day, guests within the limit,
    and, for a booking, no approved leave covering the day. One statement, one round trip; built once."""
    table = cast(Table, Booking.__table__)
    day = bindparam("meal_date", type_=Date)
    status = bindparam("status", type_=String)
    guests = bindparam("guests", type_=Integer)
    takeaway = bindparam("takeaway", type_=Boolean)
    covered = leave_covers_resident(day)
    source = (
        select(
            Resident.mess_id,
            Resident.id,
            day,
            Slot.id,
            status,
            guests,
            takeaway,
            bindparam("updated_at", type_=table.c.updated_at.type),
            bindparam("updated_by", type_=Integer),
        )
        .join(Mess, Mess.id == Resident.mess_id)
        .join(Slot, Slot.mess_id == Resident.mess_id)
        .where(
            # The slot id pins the mess: a resident who moved to another mess finds no such slot in it.
            Resident.id == bindparam("resident_id", type_=Integer),
            Slot.id == bindparam("slot_id", type_=Integer),
            Slot.code == bindparam("slot_code", type_=String),
            Slot.serve_start == bindparam("serve_start", type_=Time),
            Mess.timezone == bindparam("timezone", type_=String),
            func.coalesce(Slot.cutoff_minutes, Mess.cutoff_minutes) == bindparam("cutoff_minutes", type_=Integer),
            Mess.max_guests >= guests,
            Resident.active_from <= day,
            or_(Resident.active_to.is_(None), Resident.active_to >= day),
            or_(~bindparam("booked", type_=Boolean), ~covered),
        )
    )
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return replacing_the_choice(insert(table).from_select(list(UPSERT_COLUMNS), source)).returning(table.c.id)


async def set_own_booking(
    session: AsyncSession,
    terms: SlotTerms,
    *,
    resident_id: int,
    day: date,
    booked: bool,
    guests: int,
    takeaway: bool,
    now: datetime,
    actor_id: int,
) -> datetime | None:
    """Store a resident's own change on remembered terms in one statement; the cutoff instant if stored. None
    (nothing written) when it cannot tell: a refusal to explain, or anything changed since the terms were read.
    Then the caller decides again from fresh data."""
    if guests < 0 or (booked and guests > terms.max_guests):
        return None
    closes = terms.closes(day)
    if now >= closes:
        return None
    values = {
        **terms.guard(),
        "resident_id": resident_id,
        "meal_date": day,
        "status": "booked" if booked else "cancelled",
        "guests": guests if booked else 0,
        "takeaway": takeaway and booked,
        "booked": booked,
        "updated_at": now,
        "updated_by": actor_id,
    }
    result = await session.execute(_guarded_upsert_statement(session.get_bind().dialect.name), values)
    return closes if result.first() is not None else None
