"""Allergens (PRODUCT 7.3): a resident's own list and phone, the week's conflicting dishes, and a meal's counts
per allergen and takeaways for the headcount."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    session: AsyncSession, mess_id: int, default_booked: bool, day: date, slot_id: int
) -> MealAllergens:
    """Booked residents per allergen (every allergen, zeros included) and booked takeaways of one meal."""
    counts: Counter[str] = Counter()
    takeaways = 0
    for row in await repository.meal_rows(session, mess_id, default_booked, day, slot_id):
        takeaways += int(row.takeaways or 0)
        stored = row.allergens or ()  # read through AllergenList: a list (the raw text elsewhere)
        for allergen in stored.split(",") if isinstance(stored, str) else stored:
            if allergen:
                counts[allergen] += int(row.residents)
    return MealAllergens(takeaways=takeaways, by_allergen={a: counts.get(a, 0) for a in ALLERGENS})
