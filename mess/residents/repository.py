from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Select, Table, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from mess.kit.allergens import AllergenList
from mess.models import Resident, UserAccount


async def get(session: AsyncSession, resident_id: int) -> Resident | None:
    return await session.get(Resident, resident_id)


async def earliest_active_from(session: AsyncSession, mess_id: int) -> date | None:
    """The first day anyone was a resident of the mess (None without residents): no month before it has a bill."""
    found = await session.execute(select(func.min(Resident.active_from)).where(Resident.mess_id == mess_id))
    return cast(date | None, found.scalar())


async def get_by_roll_no(session: AsyncSession, roll_no: str) -> Resident | None:
    """The resident whose roll number matches ignoring case (unique on lower(roll_no))."""
    query = select(Resident).where(func.lower(Resident.roll_no) == roll_no.strip().lower())
    return (await session.execute(query)).scalar_one_or_none()


async def find_many(session: AsyncSession, ids: set[int], roll_nos: set[str]) -> list[Resident]:
    """Residents of any mess with one of the ids or (ignoring case) one of the roll numbers."""
    lowered = {roll_no.strip().lower() for roll_no in roll_nos}
    if not ids and not lowered:
        return []
    query = select(Resident).where(or_(Resident.id.in_(ids), func.lower(Resident.roll_no).in_(lowered)))
    return list((await session.execute(query)).scalars())


async def search(session: AsyncSession, mess_id: int, q: str | None, limit: int, offset: int) -> list[Resident]:
    rows, _ = await search_page(session, ResidentFilter(mess_id=mess_id, q=q), limit, offset, count=False)
    return rows


SORTS = {
    "roll_no": Resident.roll_no,
    "name": Resident.name,
    "room": Resident.room,
    "active_from": Resident.active_from,
    "active_to": Resident.active_to,
}


@dataclass(frozen=True)
class ResidentFilter:
    mess_id: int
    q: str | None = None
    active_on: date | None = None  # resident on that day
    leaving_between: tuple[date, date] | None = None  # the stay ends within these days
    sort: str = "roll_no"  # a key of SORTS, "-" first for descending


def _filtered(f: ResidentFilter) -> Select[Resident]:
    query = select(Resident).where(Resident.mess_id == f.mess_id)
    if f.q and f.q.strip():
        pattern = f"%{f.q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Resident.roll_no).like(pattern),
                func.lower(Resident.name).like(pattern),
                func.lower(Resident.email).like(pattern),
                func.lower(Resident.room).like(pattern),
            )
        )
    if f.active_on is not None:
        day = f.active_on
        query = query.where(Resident.active_from <= day, or_(Resident.active_to.is_(None), Resident.active_to >= day))
    if f.leaving_between is not None:
        query = query.where(Resident.active_to.between(*f.leaving_between))
    return query


def filtered_ids(f: ResidentFilter) -> Select[int]:
    """The ids of the residents a filter matches (to narrow further, or to act on all at once)."""
    return _filtered(f).with_only_columns(Resident.id)


async def search_page(
    session: AsyncSession, f: ResidentFilter, limit: int, offset: int, *, count: bool = True
) -> tuple[list[Resident], int]:
    """One page of the matching residents and (when asked) how many match in all."""
    query = _filtered(f)
    column = SORTS.get(f.sort.lstrip("-"), Resident.roll_no)
    order = column.desc() if f.sort.startswith("-") else column.asc()
    page = query.order_by(order, Resident.id).limit(limit).offset(offset)
    rows = list((await session.execute(page)).scalars())
    if not count:
        return rows, len(rows)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    return rows, int(total)


@dataclass(frozen=True)
class ExistingResident:
    id: int
    user_id: int
    mess_id: int
    name: str
    email: str
    diet: str
    active_from: date
    active_to: date | None
    room: str | None
    phone: str | None
    allergens: list[str]


_CHUNK = 5000  # bound parameters per query, well under SQLite's and asyncpg's limits


def _chunks(keys: list[str]) -> list[list[str]]:
    return [keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]


async def existing_by_roll_no(session: AsyncSession, lowered: list[str]) -> dict[str, ExistingResident]:
    """The residents with these roll numbers (lower case), by lowered roll number, in a query per 5,000."""
    columns = [Resident.id, Resident.user_id, Resident.mess_id, Resident.name, Resident.email, Resident.diet]
    columns += [Resident.active_from, Resident.active_to, Resident.room, Resident.phone, Resident.allergens]
    found: dict[str, ExistingResident] = {}
    for chunk in _chunks(lowered):
        query = select(func.lower(Resident.roll_no), *columns).where(func.lower(Resident.roll_no).in_(chunk))
        for key, *values in (await session.execute(query)).all():
            found[key] = ExistingResident(*values)
    return found


async def taken_logins(session: AsyncSession, lowered: list[str]) -> set[str]:
    """Which of these (lower-cased) names are already a staff, warden or admin login."""
    taken: set[str] = set()
    for chunk in _chunks(lowered):
        query = select(func.lower(UserAccount.login)).where(
            func.lower(UserAccount.login).in_(chunk), UserAccount.role != "resident"
        )
        taken.update((await session.execute(query)).scalars())
    return taken


def _stored(column: str, value: object) -> object:
    """A value as its column holds it, for the statements that bypass the ORM's types (COPY, unnest arrays): the
    allergens list as AllergenList stores it ('dairy,nuts')."""
    if column == "allergens":
        return AllergenList().process_bind_param(cast(list[str], value), None)
    return value


async def insert_residents(
    session: AsyncSession, mess_id: int, rows: list[tuple[str, dict[str, object]]], now: datetime
) -> list[int]:
    """New residents and their password-less accounts; the new account ids. Accounts go in as multi-row INSERTs
    with RETURNING; residents by COPY on PostgreSQL (one statement, so the roster trigger fires once, not per row)."""
    if not rows:
        return []
    accounts = [
        {"login": roll_no, "name": values["name"], "role": "resident", "mess_id": mess_id, "password_hash": ""}  # nosec B105 - "" is no password
        | {"is_active": True, "created_at": now}
        for roll_no, values in rows
    ]
    insert_accounts = insert(cast(Table, UserAccount.__table__)).returning(UserAccount.id, sort_by_parameter_order=True)
    user_ids = list((await session.execute(insert_accounts, accounts)).scalars())
    residents = [
        {"mess_id": mess_id, "user_id": user_id, "roll_no": roll_no, "created_at": now, **values}
        for user_id, (roll_no, values) in zip(user_ids, rows, strict=True)
    ]
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await session.execute(insert(cast(Table, Resident.__table__)), residents)
        return user_ids
    raw = (await connection.get_raw_connection()).driver_connection
    if raw is None:
        raise RuntimeError("the PostgreSQL connection has no asyncpg driver to COPY with")
    columns = list(residents[0])
    records = [tuple(_stored(c, row[c]) for c in columns) for row in residents]
    await raw.copy_records_to_table(Resident.__tablename__, records=records, columns=columns)
    return user_ids


_UPDATE_COLUMNS = ("name", "email", "diet", "active_from", "active_to", "room", "phone", "allergens")
_PG_TYPES = {"active_from": "date", "active_to": "date"}


async def update_residents(session: AsyncSession, changes: list[dict[str, object]]) -> None:
    """Changed residents (and their account's name). PostgreSQL: one UPDATE ... FROM unnest(arrays) per table (the
    roster trigger is per statement); SQLite: executemany by primary key."""
    if not changes:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await session.execute(update(Resident), [{k: v for k, v in c.items() if k != "user_id"} for c in changes])
        await session.execute(update(UserAccount), [{"id": c["user_id"], "name": c["name"]} for c in changes])
        return
    # Only the columns the file carries are set; the others keep their value.
    columns = [c for c in _UPDATE_COLUMNS if c in changes[0]]
    arrays = {"ids": [c["id"] for c in changes]}
    arrays |= {column: [_stored(column, c[column]) for c in changes] for column in columns}
    casts = ", ".join(f"CAST(:{c} AS {_PG_TYPES.get(c, 'text')}[])" for c in columns)
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    # Column names come from _UPDATE_COLUMNS only; every value is bound.
    head = f"UPDATE resident AS r SET {sets} "  # noqa: S608 # nosec B608 - fixed column names, bound values
    listed = ", ".join(columns)
    statement = head + f"FROM unnest(CAST(:ids AS integer[]), {casts}) AS v(id, {listed}) WHERE r.id = v.id"
    await session.execute(text(statement), arrays)
    names = {"ids": [c["user_id"] for c in changes], "names": [c["name"] for c in changes]}
    await session.execute(
        text(
            "UPDATE user_account AS u SET name = v.name FROM unnest(CAST(:ids AS integer[]), CAST(:names AS text[])) "
            "AS v(id, name) WHERE u.id = v.id"
        ),
        names,
    )
