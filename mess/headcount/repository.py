"""All headcount SQL: set-based aggregates per meal, built once with bind parameters (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from mess.kit.diets import DIETS
from mess.models import Booking, CheckIn, HeadcountSnapshot, Leave, Mess, Resident, Slot

_MESS_ID: BindParameter[int] = bindparam("mess_id")
_DAY: BindParameter[date] = bindparam("day")
_SLOT_ID: BindParameter[int] = bindparam("slot_id")


class IdList(FunctionElement[Any]):
    """The integer ids of a group: array_agg on PostgreSQL (a list, decoded by the driver), group_concat (one
    comma-separated string) elsewhere; mess.headcount.service.ids reads either."""

    name = "id_list"
    inherit_cache = True


@compiles(IdList)
def _id_list(element: IdList, compiler: Any, **kw: Any) -> str:
    return "group_concat(" + compiler.process(element.clauses, **kw) + ", ',')"


@compiles(IdList, "postgresql")
def _id_list_postgresql(element: IdList, compiler: Any, **kw: Any) -> str:
    return "array_agg(" + compiler.process(element.clauses, **kw) + ")"


def covering_leave(mess_id: Any, day: Any) -> Any:
    """The residents of the mess an approved leave covers on the day, once each (a subquery)."""
    return (
        select(Leave.resident_id)
        .where(Leave.mess_id == mess_id, Leave.status == "approved", Leave.start_date <= day, Leave.end_date >= day)
        .distinct()
        .subquery("covering_leave")
    )


def _roster_query() -> Any:
    """Per diet: residents of the mess on the day, how many of them an approved leave (of the mess) covers, and
    the ids of the others (IdList). Every row carries the mess's roster_version read by the same
    statement, so the roster is that of this version; a mess with nobody that day gives one row, diet NULL."""
    covering = covering_leave(_MESS_ID, _DAY)
    on_leave = covering.c.resident_id.is_not(None)
    roster = (
        select(
            Resident.diet.label("diet"),
            func.count().label("residents"),
            func.sum(case((on_leave, 1), else_=0)).label("on_leave"),
            IdList(Resident.id).filter(~on_leave).label("present"),
        )
        .select_from(Resident)
        .outerjoin(covering, covering.c.resident_id == Resident.id)
        .where(
            Resident.mess_id == _MESS_ID,
            Resident.active_from <= _DAY,
            (Resident.active_to.is_(None)) | (Resident.active_to >= _DAY),
        )
        .group_by(Resident.diet)
        .subquery("roster")
    )
    return (
        select(Mess.roster_version, roster.c.diet, roster.c.residents, roster.c.on_leave, roster.c.present)
        .select_from(Mess)
        .outerjoin(roster, true())
        .where(Mess.id == _MESS_ID)
    )


def _meal_query() -> Any:
    """What a meal's headcount reads on every request, in one statement: the mess's roster_version and booking
    mode, the meal's admissions at the counter (booked residents, walk-ins), its frozen snapshot summed up
    (frozen_rows 0: not frozen; booked by diet as frozen_<diet>), and the meal's booking rows grouped by
    (status, guests, takeaway), each group with its resident ids (IdList; one index range on
    ix_booking_mess_id_meal_date_slot_id; no resident is read). One row with a NULL status when the meal has no
    booking row; none when the mess does not exist."""
    choices = (
        select(
            Booking.status.label("status"),
            Booking.guests.label("guests"),
            Booking.takeaway.label("takeaway"),
            IdList(Booking.resident_id).label("resident_ids"),
        )
        .where(Booking.mess_id == _MESS_ID, Booking.meal_date == _DAY, Booking.slot_id == _SLOT_ID)
        .group_by(Booking.status, Booking.guests, Booking.takeaway)
        .subquery("choices")
    )

    admissions = (
        select(
            func.coalesce(func.sum(case((CheckIn.walk_in, 0), else_=1)), 0).label("came"),
            func.coalesce(func.sum(case((CheckIn.walk_in, 1), else_=0)), 0).label("walk_ins"),
        )
        .where(CheckIn.mess_id == _MESS_ID, CheckIn.meal_date == _DAY, CheckIn.slot_id == _SLOT_ID, CheckIn.admitted)
        .subquery("admissions")
    )
    snapshot = HeadcountSnapshot
    frozen = (
        select(
            func.count().label("frozen_rows"),
            func.min(snapshot.frozen_at).label("frozen_at"),
            func.coalesce(func.sum(snapshot.booked), 0).label("frozen_booked"),
            func.coalesce(func.sum(snapshot.guests), 0).label("frozen_guests"),
            *(
                func.coalesce(func.sum(case((snapshot.diet == diet, snapshot.booked), else_=0)), 0).label(
                    f"frozen_{diet}"
                )
                for diet in DIETS
            ),
        )
        .where(snapshot.mess_id == _MESS_ID, snapshot.meal_date == _DAY, snapshot.slot_id == _SLOT_ID)
        .subquery("frozen")
    )
    return (
        select(
            Mess.roster_version,
            Mess.booking_mode,
            admissions.c.came,
            admissions.c.walk_ins,
            *frozen.c,
            choices.c.status,
            choices.c.guests,
            choices.c.takeaway,
            choices.c.resident_ids,
        )
        .select_from(Mess)
        .join(admissions, true())
        .join(frozen, true())
        .outerjoin(choices, true())
        .where(Mess.id == _MESS_ID)
    )


ROSTER = _roster_query()
MEAL = _meal_query()
MESS_AND_SLOTS = (
    select(Mess, Slot)
    .outerjoin(Slot, Slot.mess_id == Mess.id)
    .where(Mess.id == _MESS_ID)
    .order_by(Slot.serve_start, Slot.position, Slot.id)
)
MESS_AND_SLOT = (
    select(Mess, Slot)
    .outerjoin(Slot, and_(Slot.mess_id == Mess.id, Slot.code == bindparam("slot_code")))
    .where(Mess.id == _MESS_ID)
)


async def mess_and_slots(session: AsyncSession, mess_id: int, slot_code: str | None) -> tuple[Mess | None, list[Slot]]:
    """The mess and its slots (only the one with that code when slot_code is given) in one statement; (None, [])
    when the mess does not exist."""
    if slot_code is None:
        result = await session.execute(MESS_AND_SLOTS, {"mess_id": mess_id})
    else:
        result = await session.execute(MESS_AND_SLOT, {"mess_id": mess_id, "slot_code": slot_code})
    rows = result.all()
    if not rows:
        return None, []
    return rows[0][0], [row[1] for row in rows if row[1] is not None]


async def roster(session: AsyncSession, mess_id: int, day: date) -> list[Any]:
    """Rows of ROSTER: (roster_version, diet, residents, on_leave, present ids)."""
    return list((await session.execute(ROSTER, {"mess_id": mess_id, "day": day})).all())


async def meal_bookings(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> list[Any]:
    """Rows of MEAL: roster_version, booking_mode, came, walk_ins, the frozen_* columns, and per
    (status, guests, takeaway) group of booking rows their resident ids. Run on the session's connection: columns
    only, nothing for the ORM to do, and its execution path costs a fifth of a millisecond per request."""
    connection = await session.connection()
    return list((await connection.execute(MEAL, {"mess_id": mess_id, "day": day, "slot_id": slot_id})).all())


def meal_aggregate(mess_id: int, default_booked: bool, day: date, slot_id: int) -> Any:
    """Per diet: residents that day, booked, guests, on approved leave -- the effective-booking rule of
    mess.bookings.repository.effective_bookings (residency -> approved leave -> explicit choice -> default),
    written as one GROUP BY over the mess's active residents so nothing is materialised per row.

    The tests check it against effective_bookings on the same data."""
    covering = covering_leave(mess_id, day)
    on_leave = covering.c.resident_id.is_not(None)
    booked = case(
        (on_leave, 0),
        (Booking.status == "booked", 1),
        (Booking.status == "cancelled", 0),
        else_=1 if default_booked else 0,
    )
    guests = case((and_(covering.c.resident_id.is_(None), Booking.status == "booked"), Booking.guests), else_=0)
    return (
        select(
            Resident.diet.label("diet"),
            func.count().label("residents"),
            func.coalesce(func.sum(booked), 0).label("booked"),
            func.coalesce(func.sum(guests), 0).label("guests"),
            func.coalesce(func.sum(case((on_leave, 1), else_=0)), 0).label("on_leave"),
        )
        .select_from(Resident)
        .outerjoin(
            Booking,
            # mess_id lets PostgreSQL use ix_booking_mess_id_meal_date_slot_id instead of scanning every booking.
            and_(
                Booking.mess_id == mess_id,
                Booking.resident_id == Resident.id,
                Booking.meal_date == day,
                Booking.slot_id == slot_id,
            ),
        )
        .outerjoin(covering, covering.c.resident_id == Resident.id)
        .where(
            Resident.mess_id == mess_id,
            Resident.active_from <= day,
            (Resident.active_to.is_(None)) | (Resident.active_to >= day),
        )
        .group_by(Resident.diet)
    )


async def meal_counts(session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int) -> list[Any]:
    return list((await session.execute(meal_aggregate(mess_id, default_booked, day, slot_id))).all())


async def frozen_meals(session: AsyncSession, start: date, end: date) -> set[tuple[int, date, int]]:
    """(mess_id, date, slot_id) of every meal in start..end that has a snapshot."""
    query = (
        select(HeadcountSnapshot.mess_id, HeadcountSnapshot.meal_date, HeadcountSnapshot.slot_id)
        .where(HeadcountSnapshot.meal_date >= start, HeadcountSnapshot.meal_date <= end)
        .distinct()
    )
    return {(row[0], row[1], row[2]) for row in (await session.execute(query)).all()}


async def insert_snapshot(
    session: AsyncSession, mess_id: int, day: date, slot_id: int, by_diet: dict[str, tuple[int, int]], now: datetime
) -> int:
    """Store one meal's frozen counts (a row per diet); rows that exist already stay (idempotent). Rows added."""
    rows = [
        {
            "mess_id": mess_id,
            "meal_date": day,
            "slot_id": slot_id,
            "diet": diet,
            "booked": booked,
            "guests": guests,
            "frozen_at": now,
        }
        for diet, (booked, guests) in by_diet.items()
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(HeadcountSnapshot)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["mess_id", "meal_date", "slot_id", "diet"])
        .returning(HeadcountSnapshot.id)
    )
    return len((await session.execute(statement)).all())


async def meal_history(
    session: AsyncSession, mess_id: int, slot_id: int, start: date, end: date
) -> list[tuple[date, int, int, int, int]]:
    """(day, frozen booked, frozen guests, booked residents admitted, walk-ins) per meal of the slot in start..end
    with a frozen snapshot and at least one admission at the counter (meals where the counter was not in use
    teach nothing), by day."""
    return (await meal_histories(session, mess_id, [slot_id], start, end)).get(slot_id, [])


async def meal_histories(
    session: AsyncSession, mess_id: int, slot_ids: Sequence[int], start: date, end: date
) -> dict[int, list[tuple[date, int, int, int, int]]]:
    """meal_history of several slots of one mess, by slot id (a slot without such meals is absent): one range
    scan of each table for all the slots. Two statements joined here, not one joining two aggregates: on a table
    whose statistics are stale (just loaded) PostgreSQL estimated one row per aggregate and re-aggregated the
    check-ins once per frozen meal (1.7 s for 224 meals on the demo seed instead of about 60 ms)."""
    frozen = (
        select(
            HeadcountSnapshot.slot_id,
            HeadcountSnapshot.meal_date,
            func.sum(HeadcountSnapshot.booked),
            func.sum(HeadcountSnapshot.guests),
        )
        .where(
            HeadcountSnapshot.mess_id == mess_id,
            HeadcountSnapshot.slot_id.in_(slot_ids),
            HeadcountSnapshot.meal_date >= start,
            HeadcountSnapshot.meal_date <= end,
        )
        .group_by(HeadcountSnapshot.slot_id, HeadcountSnapshot.meal_date)
    )
    came = (
        select(
            CheckIn.slot_id,
            CheckIn.meal_date,
            func.sum(case((CheckIn.walk_in, 0), else_=1)),
            func.sum(case((CheckIn.walk_in, 1), else_=0)),
        )
        .where(
            CheckIn.mess_id == mess_id,
            CheckIn.slot_id.in_(slot_ids),
            CheckIn.meal_date >= start,
            CheckIn.meal_date <= end,
            CheckIn.admitted,
        )
        .group_by(CheckIn.slot_id, CheckIn.meal_date)
    )
    admitted = {
        (int(slot_id), day): (int(came_ or 0), int(walk_ins or 0))
        for slot_id, day, came_, walk_ins in (await session.execute(came)).all()
    }
    out: dict[int, list[tuple[date, int, int, int, int]]] = {}
    for slot_id, day, booked, guests in sorted((await session.execute(frozen)).all(), key=lambda r: (r[0], r[1])):
        counted = admitted.get((int(slot_id), day))
        if counted is not None:
            out.setdefault(int(slot_id), []).append((day, int(booked or 0), int(guests or 0), *counted))
    return out
