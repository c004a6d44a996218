"""Residents: who eats at the mess, from when to when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.auth.passwords import hash_password
from mess.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from mess.kit.allergens import canonical
from mess.kit.dates import local_today, month_bounds
from mess.kit.spreadsheet import csv_text
from mess.messes.service import load_mess
from mess.models import Mess, Resident, UserAccount
from mess.residents import repository
from mess.residents.schemas import ResidentCreate, ResidentOut, ResidentPatch, ResidentSearch
from mess.users.repository import get_by_login


def check_visible(actor: Actor, resident_id: int, resident: Resident | None) -> Resident:
    """The resident if the caller may see it: their own record, or one of their mess for staff (any for an admin)."""
    if resident is None or (actor.is_resident and actor.resident_id != resident_id):
        # A resident learns nothing about other residents, not even that they exist.
        raise NotFound("This resident does not exist.", ErrorCode.UNKNOWN_RESIDENT)
    if not actor.can_see_mess(resident.mess_id):
        raise Forbidden("this resident belongs to another mess", ErrorCode.WRONG_MESS)
    return resident


def requested_resident_id(actor: Actor, resident_id: int | None) -> int:
    """Whom a call acts for: the caller, or for staff the one named with resident_id."""
    if actor.is_resident:
        if resident_id is not None and resident_id != actor.resident_id:
            raise Forbidden("residents may act only for themselves")
        return actor.own_resident_id()
    if resident_id is None:
        raise InvalidInput("name the resident with resident_id")
    return resident_id


async def load_resident(session: AsyncSession, actor: Actor, resident_id: int) -> Resident:
    return check_visible(actor, resident_id, await repository.get(session, resident_id))


async def target_resident(session: AsyncSession, actor: Actor, resident_id: int | None) -> Resident:
    """The resident a call acts for: the caller, or for staff the one named with resident_id."""
    return await load_resident(session, actor, requested_resident_id(actor, resident_id))


async def listing_scope(
    session: AsyncSession, actor: Actor, resident_id: int | None, mess_id: int | None
) -> tuple[int, int | None]:
    """(mess, resident or None) a list call covers: a resident's own rows; for staff, one resident of a mess they
    may see, or their whole mess (an admin names it)."""
    if actor.is_resident:
        resident = await target_resident(session, actor, resident_id)
        return resident.mess_id, resident.id
    if resident_id is not None:
        return (await load_resident(session, actor, resident_id)).mess_id, resident_id
    return actor.mess_for(mess_id), None


async def create_resident(session: AsyncSession, actor: Actor, data: ResidentCreate, now: datetime) -> ResidentOut:
    actor.require("warden", "admin")
    mess_id = actor.mess_for(data.mess_id)
    await load_mess(session, mess_id)
    if await repository.get_by_roll_no(session, data.roll_no) or await get_by_login(session, data.roll_no):
        raise Conflict(f"roll number {data.roll_no!r} is taken", ErrorCode.ALREADY_EXISTS)
    user = UserAccount(
        login=data.roll_no,
        name=data.name,
        role="resident",
        mess_id=mess_id,
        password_hash=hash_password(data.password) if data.password else "",
        created_at=now,
    )
    session.add(user)
    await session.flush()
    resident = Resident(
        mess_id=mess_id,
        user_id=user.id,
        roll_no=data.roll_no,
        name=data.name,
        email=data.email,
        diet=data.diet,
        active_from=data.active_from,
        active_to=data.active_to,
        room=data.room,
        phone=data.phone,
        allergens=canonical(data.allergens),
        created_at=now,
    )
    session.add(resident)
    await session.flush()
    return ResidentOut.model_validate(resident)


async def list_residents(
    session: AsyncSession, actor: Actor, mess_id: int | None, q: str | None, limit: int, offset: int
) -> list[ResidentOut]:
    actor.require("staff", "warden", "admin")
    target = actor.mess_for(mess_id)
    return [ResidentOut.model_validate(r) for r in await repository.search(session, target, q, limit, offset)]


def resident_filter(mess: Mess, search: ResidentSearch, now: datetime) -> repository.ResidentFilter:
    """The search's filter in the mess's own days ("active" and "leaving this month" are local dates)."""
    today = local_today(now, mess.timezone)
    _, last = month_bounds(today.strftime("%Y-%m"))
    return repository.ResidentFilter(
        mess_id=mess.id,
        q=search.q,
        active_on=today if search.status in ("active", "leaving") else None,
        leaving_between=(today, last) if search.status == "leaving" else None,
        sort=search.sort,
    )


async def search_residents(
    session: AsyncSession, actor: Actor, search: ResidentSearch, now: datetime
) -> tuple[list[ResidentOut], int]:
    """One page of the caller's mess's residents matching the search, and how many match in all."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(search.mess_id))
    found = resident_filter(mess, search, now)
    rows, total = await repository.search_page(session, found, search.limit, search.offset)
    return [ResidentOut.model_validate(r) for r in rows], total


EXPORT_COLUMNS = ["roll_no", "name", "email", "diet", "active_from", "active_to", "room", "phone", "allergens"]


def _exported(resident: object, column: str) -> object:
    value = getattr(resident, column)
    return "; ".join(value) if column == "allergens" else value  # as the import reads it back


async def export_csv(session: AsyncSession, actor: Actor, search: ResidentSearch, now: datetime) -> str:
    """The matching residents as CSV, in the import's own columns (export, edit, import again)."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(search.mess_id))
    rows, _ = await repository.search_page(session, resident_filter(mess, search, now), 20_000, 0, count=False)
    return csv_text(EXPORT_COLUMNS, ([_exported(r, c) for c in EXPORT_COLUMNS] for r in rows))


async def find_by_roll_no(session: AsyncSession, actor: Actor, roll_no: str) -> ResidentOut:
    """A resident of the caller's mess by roll number, typed in any case (counter, payments, adjustments)."""
    actor.require("staff", "warden", "admin")
    resident = await repository.get_by_roll_no(session, roll_no) if roll_no.strip() else None
    if resident is None or not actor.can_see_mess(resident.mess_id):
        raise NotFound(f"no resident with roll number {roll_no.strip()} in this mess", ErrorCode.UNKNOWN_RESIDENT)
    return ResidentOut.model_validate(resident)


async def get_resident(session: AsyncSession, actor: Actor, resident_id: int) -> ResidentOut:
    return ResidentOut.model_validate(await load_resident(session, actor, resident_id))


async def update_resident(session: AsyncSession, actor: Actor, resident_id: int, patch: ResidentPatch) -> ResidentOut:
    actor.require("warden", "admin")
    resident = await load_resident(session, actor, resident_id)
    changes = patch.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    for field, value in changes.items():
        if value is None and field not in ("active_to", "room", "phone"):
            continue
        setattr(resident, field, canonical(value) if field == "allergens" else value)
    if resident.active_to is not None and resident.active_to < resident.active_from:
        raise InvalidInput("The last day of stay is before the first.", field="active_to")
    user = await session.get(UserAccount, resident.user_id)
    if user is None:  # the foreign key makes this impossible; say so rather than crash on None
        raise NotFound("this resident has no account")
    user.name = resident.name
    if password:
        user.password_hash = hash_password(password)
    await session.flush()
    return ResidentOut.model_validate(resident)
