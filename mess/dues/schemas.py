from __future__ import annotations

from pydantic import BaseModel, Field


class DueOut(BaseModel):
    resident_id: int
    roll_no: str
    name: str
    balance: int = Field(description="minor units owed (positive)")
    oldest_unpaid_month: str | None = Field(description="YYYY-MM of the oldest bill not yet covered by payments")


class RemindersOut(BaseModel):
    reminded: int = Field(description="residents who owe and were sent an email")
    without_email: int = Field(description="residents who owe but have no email address")
    total: int = Field(description="minor units owed by those reminded")
