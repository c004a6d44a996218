from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

# Bounded so a price always fits the database's 32-bit integer columns.
from mess.kit.ids import MAX_ID

MAX_PRICE = 10_000_000
MAX_FIXED_CHARGE = 100_000_000


class PriceIn(BaseModel):
    slot: str = Field(min_length=1, max_length=32, description="slot code")
    price: int = Field(ge=0, le=MAX_PRICE)
    guest_price: int = Field(ge=0, le=MAX_PRICE)
    walk_in_price: int = Field(ge=0, le=MAX_PRICE)
    effective_from: date
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class PriceOut(BaseModel):
    id: int
    mess_id: int
    slot: str
    slot_id: int
    price: int
    guest_price: int
    walk_in_price: int
    effective_from: date


class FixedChargeIn(BaseModel):
    amount: int = Field(ge=0, le=MAX_FIXED_CHARGE, description="monthly charge in minor units")
    effective_from: date
    mess_id: int | None = Field(None, ge=1, le=MAX_ID)


class FixedChargeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    amount: int
    effective_from: date


class PriceChange(BaseModel):
    """A correction of one price row: only the fields sent change."""

    price: int | None = Field(None, ge=0, le=MAX_PRICE)
    guest_price: int | None = Field(None, ge=0, le=MAX_PRICE)
    walk_in_price: int | None = Field(None, ge=0, le=MAX_PRICE)
    effective_from: date | None = None


class FixedChargeChange(BaseModel):
    amount: int | None = Field(None, ge=0, le=MAX_FIXED_CHARGE)
    effective_from: date | None = None
