"""Allergens (PRODUCT 7.3): a resident's own list and phone, the week's conflicting dishes, and a meal's counts
per allergen and takeaways for the headcount."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from mess.allergens import repository
from mess.allergens.schemas import MealAllergens, ProfilePatch
from mess.auth.actor import Actor
from mess.kit.allergens import ALLERGENS, canonical
from mess.models import Resident
from mess.residents.schemas import ResidentOut
from mess.residents.service import load_resident


async def update_own_profile(session: AsyncSession, actor: Actor, patch: ProfilePatch) -> ResidentOut:
    """A resident changes their own phone and allergens; fields left out stay as they are."""
    actor.require("resident")
    resident = await load_resident(session, actor, actor.own_resident_id())
    changes = patch.model_dump(exclude_unset=True)
    if "phone" in changes:
        resident.phone = (changes["phone"] or "").strip() or None
    if "allergens" in changes:
        resident.allergens = canonical(changes["allergens"] or ())
    await session.flush()
    return ResidentOut.model_validate(resident)


def avoided(resident: Resident | ResidentOut) -> list[str]:
    return list(resident.allergens or ())


def conflicts(dish_allergens: Iterable[Iterable[str]], avoid: Iterable[str]) -> list[str]:
    """The allergens a resident avoids that a meal's dishes contain, in the list's order."""
    mine = set(avoid)
    return canonical(a for dish in dish_allergens for a in dish if a in mine)


async def meal_allergens(
    session: AsyncSession,
    mess_id: int,
    default_booked: bool,
    day: date,
    slot_id: int,
    present: Mapping[int, object] | None = None,
    takeaways: int | None = None,
) -> MealAllergens:
    """Booked residents per allergen (every allergen, zeros included) and booked takeaways of one meal.

    With the headcount's cached roster (`present`: the residents of the day no approved leave covers) and its
    takeaway count, only the mess's residents who avoid something are read, with their booking of the meal: a few
    rows, whatever the mess's size. Without them, one statement counts everything."""
    counts: Counter[str] = Counter()
    if present is None or takeaways is None:
        takeaways = 0
        for row in await repository.meal_rows(session, mess_id, default_booked, day, slot_id):
            takeaways += int(row.takeaways or 0)
            for allergen in _listed(row.allergens):
                counts[allergen] += int(row.residents)
    else:
        for row in await repository.allergic_choices(session, mess_id, day, slot_id):
            booked = row.status == "booked" or (row.status is None and default_booked)
            if booked and row.resident_id in present:
                counts.update(a for a in _listed(row.allergens) if a)
    return MealAllergens(takeaways=takeaways, by_allergen={a: counts.get(a, 0) for a in ALLERGENS})


def _listed(stored: object) -> Iterable[str]:
    """An allergens column as read: a list through AllergenList, the raw comma-separated text elsewhere."""
    if not stored:
        return ()
    return [a for a in stored.split(",") if a] if isinstance(stored, str) else list(stored)  # type: ignore[call-overload]
