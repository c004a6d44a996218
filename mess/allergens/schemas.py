from __future__ import annotations

from pydantic import BaseModel, Field

from mess.kit.allergens import Allergen
from mess.residents.schemas import NO_NUL


class ProfilePatch(BaseModel):
    """What a resident changes on their own profile (the warden keeps the rest: diet, room, dates)."""

    phone: str | None = Field(None, max_length=32, pattern=NO_NUL, description="empty or null removes it")
    allergens: list[Allergen] | None = Field(None, max_length=10, description="replaces the list; [] clears it")


class MealAllergens(BaseModel):
    """Booked residents of one meal per allergen they avoid, and the meal's takeaways (parcels)."""

    takeaways: int
    by_allergen: dict[str, int]
