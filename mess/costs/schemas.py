from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from mess.kit.ids import MAX_ID

MAX_EXPENSE = 1_000_000_000  # minor units; fits the 32-bit amount column
MAX_WASTE_KG = 10_000
ExpenseCategory = Literal["groceries", "vegetables", "dairy", "fuel", "wages", "other"]


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
    kg: Decimal = Field(ge=0, le=MAX_WASTE_KG, decimal_places=3, allow_inf_nan=False, description="kilograms")
    note: str = Field("", max_length=1000)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID)


class WastagePatch(BaseModel):
    """A correction on the day the entry was made; only what is sent changes."""

    slot: str | None = Field(None, min_length=1, max_length=32)
    kg: Decimal | None = Field(None, ge=0, le=MAX_WASTE_KG, decimal_places=3, allow_inf_nan=False)
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
