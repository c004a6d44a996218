from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mess.kit.ids import MAX_ID

LeaveStatus = Literal["pending", "approved", "rejected", "withdrawn"]
MAX_LEAVE_DAYS = 366


class LeaveIn(BaseModel):
    start_date: date
    end_date: date
    reason: str = Field("", max_length=1000)
    resident_id: int | None = Field(None, ge=1, le=MAX_ID, description="wardens record a leave for a resident")
    status: Literal["pending", "approved"] = Field(
        "pending", description="a warden may record an already approved leave"
    )

    @model_validator(mode="after")
    def _period(self) -> LeaveIn:
        if self.end_date < self.start_date:
            raise ValueError("The last day is before the first day.")
        if (self.end_date - self.start_date).days >= MAX_LEAVE_DAYS:
            raise ValueError(f"a leave may last at most {MAX_LEAVE_DAYS} days")
        return self


class LeaveDecision(BaseModel):
    reason: str = Field("", max_length=1000, description="why (kept in the audit log)")
    note: str | None = Field(None, max_length=1000, description="the warden's word to the resident")


class LeaveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    resident_id: int
    start_date: date
    end_date: date
    days: int = 0
    reason: str
    status: LeaveStatus
    created_at: datetime
    created_by: int | None
    decided_at: datetime | None
    decided_by: int | None
    note: str | None = None

    @model_validator(mode="after")
    def _days(self) -> LeaveOut:
        self.days = (self.end_date - self.start_date).days + 1
        return self
