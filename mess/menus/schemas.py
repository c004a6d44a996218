from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from mess.kit.allergens import Allergen
from mess.kit.diets import Diet
from mess.kit.ids import MAX_ID

MenuSource = Literal["day", "template", "none"]
Unit = Literal["g", "ml", "pieces"]
MAX_DISHES = 30


class Dish(BaseModel):
    dish: str = Field(min_length=1, max_length=120)
    diet_tag: Diet = "veg"
    allergens: list[Allergen] = Field([], max_length=10, description="what the dish contains (PRODUCT 7.3)")
    portion: int | None = Field(None, ge=1, le=100_000, description="per plate, in unit (the kitchen plan)")
    unit: Unit | None = Field(None, description="g, ml or pieces; given with portion")

    @model_validator(mode="after")
    def _portion_with_unit(self) -> Dish:
        if (self.portion is None) != (self.unit is None):
            raise ValueError("a portion and its unit (g, ml or pieces) go together")
        return self


class DishesIn(BaseModel):
    """The whole list of one meal's dishes (it replaces what was there; an empty list clears it)."""

    dishes: list[Dish] = Field(max_length=MAX_DISHES)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class MealMenu(BaseModel):
    slot: str
    slot_id: int
    slot_name: str
    source: MenuSource = Field(description="day: set for this date; template: from the weekly template; none")
    dishes: list[Dish]


class DayMenu(BaseModel):
    date: date
    weekday: int = Field(description="0 = Monday")
    meals: list[MealMenu]


class TemplateMeal(BaseModel):
    weekday: int
    slot: str
    slot_id: int
    dishes: list[Dish]
