from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mess.kit.allergens import Allergen
from mess.kit.diets import Diet
from mess.kit.ids import MAX_ID

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold a NUL character


class ResidentCreate(BaseModel):
    roll_no: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str | None = Field(None, min_length=8, max_length=256, description="none: they set one by invite")
    diet: Diet = "veg"
    active_from: date
    active_to: date | None = None
    room: str | None = Field(None, max_length=32, pattern=NO_NUL)
    phone: str | None = Field(None, max_length=32, pattern=NO_NUL)
    allergens: list[Allergen] = Field([], max_length=10, description="what they must not eat (PRODUCT 7.3)")
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")

    @model_validator(mode="after")
    def _period(self) -> ResidentCreate:
        if self.active_to is not None and self.active_to < self.active_from:
            raise ValueError("The last day of stay is before the first.")
        return self


class ResidentPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=120, pattern=NO_NUL)
    email: str | None = Field(None, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str | None = Field(None, min_length=8, max_length=256)
    diet: Diet | None = None
    active_from: date | None = None
    active_to: date | None = None
    room: str | None = Field(None, max_length=32, pattern=NO_NUL)
    phone: str | None = Field(None, max_length=32, pattern=NO_NUL)
    allergens: list[Allergen] | None = Field(None, max_length=10, description="replaces the list; [] clears it")


class ResidentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    roll_no: str
    name: str
    email: str
    diet: Diet
    active_from: date
    active_to: date | None
    room: str | None = None
    phone: str | None = None
    allergens: list[Allergen] = []


class ResidentSearch(BaseModel):
    q: str | None = Field(
        None, max_length=64, pattern=NO_NUL, description="matches roll number, name, email or room, any case"
    )
    status: Literal["all", "active", "leaving"] = Field(
        "all", description="active: resident today; leaving: resident today, the stay ends this month"
    )
    sort: Literal[
        "roll_no",
        "-roll_no",
        "name",
        "-name",
        "room",
        "-room",
        "active_from",
        "-active_from",
        "active_to",
        "-active_to",
    ] = "roll_no"
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_ID)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class ImportProblem(BaseModel):
    row: int = Field(description="1-based data row (the line below the header is row 1); 0: the whole file")
    roll_no: str | None = None
    field: str | None = Field(None, description="the column at fault")
    message: str


class ImportReport(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportProblem] = []
