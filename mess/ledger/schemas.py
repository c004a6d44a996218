from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class PaymentIn(BaseModel):
    resident_id: int = Field(ge=1, le=2_147_483_647)
    amount: int = Field(gt=0, le=1_000_000_000, description="minor units received; a ledger credit (negative)")
    date: dt.date
    reference: str = Field("", max_length=120, description="receipt or transaction number")


class LedgerEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    resident_id: int
    entry_date: dt.date
    kind: str
    amount: int
    bill_id: int | None
    reference: str


class LedgerOut(BaseModel):
    resident_id: int
    entries: list[LedgerEntryOut]
    balance: int = Field(description="sum of the entries: positive means the resident owes the mess")
