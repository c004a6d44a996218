"""The kitchen plan's answer (GET /api/v1/kitchen/plan): quantities in the dishes' units, plates as integers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from mess.menus.schemas import Unit

Trend = Literal["down", "up", "flat"]


class PlanDish(BaseModel):
    dish: str
    diet_tag: str
    eaten_by: list[str] = Field(description="the diets the dish is cooked for")
    portion: int | None = Field(description="per plate, in unit; null when the warden has not set it")
    unit: Unit | None
    plates: int = Field(description="expected plates of the diets that eat it")
    plates_high: int = Field(description="the upper bound of those plates")
    by_diet: dict[str, int] = Field(description="expected plates per diet that eats it")
    quantity: float | None = Field(description="plates x portion, in quantity_unit (kg, l or pieces)")
    quantity_high: float | None = Field(description="plates_high x portion, in quantity_unit")
    quantity_unit: str | None = Field(description="kg for g, l for ml, pieces for pieces")


class WasteDay(BaseModel):
    date: dt.date
    grams_per_plate: float


class PlanWaste(BaseModel):
    target_grams_per_plate: int | None = Field(description="the warden's target (mess policy), if set")
    last_7_days: float | None = Field(description="grams of waste per plate served over the last 7 ended days")
    previous_7_days: float | None = Field(description="the same over the 7 days before those")
    trend: Trend | None = Field(description="last 7 days against the 7 before: 5% either way is flat")
    on_target: bool | None = Field(description="last_7_days at or under the target")
    days: list[WasteDay] = Field(description="the slot's last 28 ended days with a weighing, oldest first")


class KitchenPlan(BaseModel):
    mess_id: int
    date: dt.date
    slot: str
    slot_name: str
    menu_source: Literal["day", "template", "none"]
    bookings_known: bool = Field(description="the cutoff has passed: before it the plan is provisional")
    method: str = Field(description="bookings, or naive (same weekday last week) when that was more accurate")
    plates_expected: int = Field(description="the meal's expected plates (the same figure as the headcount's)")
    plates_low: int
    plates_high: int = Field(description="the upper bound: cook for this many to run short rarely")
    booked: int
    guests: int
    show_rate: float
    walk_ins: float
    by_diet: dict[str, int] = Field(description="expected plates per diet (guests eat their host's diet)")
    by_diet_high: dict[str, int]
    dishes: list[PlanDish]
    waste: PlanWaste
