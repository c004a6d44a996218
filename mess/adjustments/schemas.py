from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from mess.kit.ids import MAX_ID

MAX_ADJUSTMENT = 100_000_000  # minor units, either sign


class AdjustmentIn(BaseModel):
    resident_id: int = Field(ge=1, le=MAX_ID)
    amount: int = Field(
        ge=-MAX_ADJUSTMENT,
        le=MAX_ADJUSTMENT,
        description="minor units: positive is a debit, negative a credit; never zero",
        json_schema_extra={"not": {"const": 0}},
    )
    date: date
    reason: str = Field(min_length=1, max_length=1000)

    @field_validator("amount")
    @classmethod
    def _non_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("An adjustment of zero changes nothing; enter an amount.")
        return value

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Say why (the reason is empty).")
        return value.strip()


class AdjustmentOut(BaseModel):
    id: int
    mess_id: int
    resident_id: int
    date: date
    month: str
    amount: int
    reason: str
    created_at: datetime
    created_by: int | None
