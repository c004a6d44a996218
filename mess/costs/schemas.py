from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from mess.kit.ids import MAX_ID

MAX_EXPENSE = 1_000_000_000  # minor units; fits the 32-bit amount column
MAX_WASTE_KG = 10_000
ExpenseCategory = Literal["groceries", "vegetables", "dairy", "fuel", "wages", "other"]


def _as_decimal(value: object) -> object:
    """A number or a decimal string as a Decimal (strict JSON validation takes nothing else); 9 * 0.001 is
    0.009000000000000001 as a float, so a float keeps 9 decimal places: a client's 0.009 still has 3."""
    try:
        if isinstance(value, float):
            return Decimal(repr(round(value, 9)))
        if isinstance(value, int | str) and not isinstance(value, bool):
            return Decimal(value)
    except InvalidOperation:
        pass
    return value


# Kilograms to the gram: a JSON number, or a decimal string (what a form sends).
Kilograms = Annotated[
    Decimal,
    BeforeValidator(_as_decimal),
    Field(ge=0, le=MAX_WASTE_KG, decimal_places=3, allow_inf_nan=False, description="kilograms"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": MAX_WASTE_KG, "multipleOf": 0.001},
                {"type": "string", "pattern": r"^(10000(\.0{1,3})?|\d{1,4}(\.\d{1,3})?)$"},
            ],
            "description": "kilograms, at most 3 decimal places",
        }
    ),
]


class ExpenseIn(BaseModel):
    date: date
    category: ExpenseCategory
    amount: int = Field(gt=0, le=MAX_EXPENSE, description="minor units")
    note: str = Field("", max_length=1000)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class ExpenseOut(BaseModel):
    id: int
    mess_id: int
    date: date
    category: ExpenseCategory
    amount: int
    note: str
    created_at: datetime
    created_by: int | None


class WastageIn(BaseModel):
    date: date
    slot: str = Field(min_length=1, max_length=32, description="slot code")
    kg: Kilograms
    note: str = Field("", max_length=1000)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID)


class WastagePatch(BaseModel):
    """A correction on the day the entry was made; only what is sent changes."""

    slot: str | None = Field(None, min_length=1, max_length=32)
    kg: Kilograms | None = None
    note: str | None = Field(None, max_length=1000)


class WastageOut(BaseModel):
    id: int
    mess_id: int
    date: date
    slot: str
    slot_id: int
    grams: int
    kg: float
    note: str
    created_at: datetime
    created_by: int | None
