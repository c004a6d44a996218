from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from mess.kit.ids import MAX_ID

MAX_PRICE = 10_000_000
MAX_QUANTITY = 1000


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    price: int = Field(ge=0, le=MAX_PRICE, description="minor units")
    is_active: bool = True
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class ItemPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=80)
    price: int | None = Field(None, ge=0, le=MAX_PRICE)
    is_active: bool | None = None


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    name: str
    price: int
    is_active: bool


class PurchaseIn(BaseModel):
    resident_id: int = Field(ge=1, le=MAX_ID)
    item_id: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(1, ge=1, le=MAX_QUANTITY)
    date: date


class PurchaseOut(BaseModel):
    id: int
    mess_id: int
    resident_id: int
    roll_no: str
    name: str = Field(description="the resident's name")
    item_id: int
    item: str
    date: date
    quantity: int
    unit_price: int
    amount: int
    created_at: datetime
    created_by: int | None
    voided_at: datetime | None = Field(None, description="set when the sale was voided: it is not billed")
    voided_by: int | None = None
    void_reason: str | None = None


class VoidIn(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="why the sale is voided (audited)")
