from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mess.kit.ids import MAX_ID

PaymentMethod = Literal["cash", "upi", "bank", "card", "other"]
MAX_PAYMENT = 1_000_000_000


class PaymentIn(BaseModel):
    resident_id: int = Field(ge=1, le=MAX_ID)
    amount: int = Field(gt=0, le=MAX_PAYMENT, description="minor units received; a ledger credit (negative)")
    date: dt.date = Field(description="the day it was received: the mess's today or up to 400 days back")
    method: PaymentMethod = "cash"
    reference: str = Field(
        "", max_length=120, description="receipt or transaction number; unique per mess ignoring case"
    )

    @field_validator("reference")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class ReversalIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="why the payment is undone, for the audit log")

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why the payment is reversed")
        return value.strip()


class LedgerEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    resident_id: int
    entry_date: dt.date
    kind: Literal["bill", "payment", "refund", "reversal"]
    amount: int
    bill_id: int | None
    reference: str
    method: PaymentMethod = "cash"
    reverses_id: int | None = Field(None, description="on a reversal: the payment it undoes")
    reason: str = ""


class LedgerOut(BaseModel):
    resident_id: int
    entries: list[LedgerEntryOut]
    balance: int = Field(description="sum of the entries: positive means the resident owes the mess")


class PaymentOut(BaseModel):
    id: int
    resident_id: int
    roll_no: str
    name: str
    date: dt.date
    amount: int = Field(description="minor units received (positive); the ledger holds it as a credit")
    method: PaymentMethod
    reference: str
    reversed: bool
    reversal_id: int | None = Field(description="the reversing ledger entry, if the payment was reversed")
    created_at: dt.datetime
