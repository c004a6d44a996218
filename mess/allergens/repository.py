"""All allergen and takeaway SQL of a meal: who of the booked residents avoids what, and the parcels."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Boolean, Date, Integer, and_, bindparam, func, literal, literal_column, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from mess.headcount.repository import covering_leave
from mess.models import Booking, Resident

# The residents who avoid something: the predicate of the partial index ix_resident_allergic_mess_id
# (mess.models.people.ALLERGIC), with '' as a literal in the SQL: a bound '' would hide the index from
# PostgreSQL's generic plans.
_AVOIDS_SOMETHING = Resident.allergens != literal_column("''")


@lru_cache(maxsize=1)
def _meal_statement() -> Any:
    """Two parts in one round trip: per allergen list (as stored), the residents of the mess on the day, not on an
    approved leave, whose effective booking is booked (the rule of mess.bookings.repository.effective_bookings);
    and, under an empty list, the booked takeaways. Residents without allergens are not read by the first part
    beyond the mess's index range."""
    mess_id = bindparam("mess_id", type_=Integer)
    day = bindparam("day", type_=Date)
    slot_id = bindparam("slot_id", type_=Integer)
    default_booked = bindparam("default_booked", type_=Boolean)
    covering = covering_leave(mess_id, day)
    resident_today = and_(
        Resident.mess_id == mess_id,
        Resident.active_from <= day,
        or_(Resident.active_to.is_(None), Resident.active_to >= day),
        covering.c.resident_id.is_(None),
    )
    meal = and_(
        Booking.mess_id == mess_id,
        Booking.resident_id == Resident.id,
        Booking.meal_date == day,
        Booking.slot_id == slot_id,
    )
    allergic = (
        select(Resident.allergens.label("allergens"), func.count().label("residents"), literal(0).label("takeaways"))
        .select_from(Resident)
        .outerjoin(Booking, meal)
        .outerjoin(covering, covering.c.resident_id == Resident.id)
        .where(
            resident_today,
            _AVOIDS_SOMETHING,
            or_(Booking.status == "booked", and_(Booking.id.is_(None), default_booked)),
        )
        .group_by(Resident.allergens)
    )
    parcels = (
        select(literal("").label("allergens"), literal(0).label("residents"), func.count().label("takeaways"))
        .select_from(Booking)
        .join(Resident, Resident.id == Booking.resident_id)
        .outerjoin(covering, covering.c.resident_id == Resident.id)
        .where(meal, resident_today, Booking.status == "booked", Booking.takeaway)
    )
    return union_all(allergic, parcels)


async def meal_rows(session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int) -> list[Any]:
    """Rows (allergens as stored, residents, takeaways) of _meal_statement."""
    params = {"mess_id": mess_id, "day": day, "slot_id": slot_id, "default_booked": default_booked}
    return list((await session.execute(_meal_statement(), params)).all())


@lru_cache(maxsize=1)
def _allergic_statement() -> Any:
    """The mess's residents who avoid something (allergens as stored), each with the status of their booking of
    the meal (NULL: no booking row). Presence on the day and leaves are the caller's (the headcount's roster).
    An index range over the partial index: only the residents who avoid something are read."""
    mess_id = bindparam("mess_id", type_=Integer)
    meal = and_(
        Booking.mess_id == mess_id,
        Booking.resident_id == Resident.id,
        Booking.meal_date == bindparam("day", type_=Date),
        Booking.slot_id == bindparam("slot_id", type_=Integer),
    )
    return (
        select(Resident.id.label("resident_id"), Resident.allergens.label("allergens"), Booking.status)
        .select_from(Resident)
        .outerjoin(Booking, meal)
        .where(Resident.mess_id == mess_id, _AVOIDS_SOMETHING)
    )


async def allergic_choices(session: AsyncSession, mess_id: int, day: date, slot_id: int) -> list[Any]:
    """Rows (resident_id, allergens as stored, status) of _allergic_statement. Run on the session's connection, as
    the headcount's MEAL (columns only: the ORM's execution path costs more than the statement)."""
    params = {"mess_id": mess_id, "day": day, "slot_id": slot_id}
    connection = await session.connection()
    return list((await connection.execute(_allergic_statement(), params)).all())
