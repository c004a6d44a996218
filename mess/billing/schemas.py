from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mess.kit.dates import MONTH_PATTERN
from mess.kit.ids import MAX_ID


class RunIn(BaseModel):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM, a month that has ended in the mess's time zone")
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    month: str
    status: Literal["queued", "running", "succeeded", "failed"]
    processed: int
    total: int
    bill_count: int
    amount: int
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RunAccepted(BaseModel):
    id: int
    status: str


class BillLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: Literal["meal", "guest", "walk_in", "extra", "fixed", "adjustment", "correction"]
    description: str
    slot_id: int | None
    item_id: int | None
    quantity: int
    unit_price: int
    amount: int


class BillOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    mess_id: int
    resident_id: int
    month: str
    status: Literal["draft", "issued"]
    total: int
    run_id: int | None
    issued_at: datetime | None
    due_date: date | None = None
    lines: list[BillLineOut] = []


class BillEstimateOut(BaseModel):
    """The month so far, in the shape of a bill (status "estimate", no id: it is never stored)."""

    id: None = None
    mess_id: int
    resident_id: int
    month: str
    status: Literal["estimate"] = "estimate"
    total: int
    run_id: None = None
    issued_at: None = None
    through: date | None = Field(description="the last day counted (the day before today); None before the month")
    lines: list[BillLineOut] = []


class IssueIn(BaseModel):
    expected_total: int | None = Field(
        None, ge=-(2**53 - 1), le=2**53 - 1, description="the draft total the warden confirmed; another total -> 409"
    )


class IssueOut(BaseModel):
    month: str
    status: str
    bill_count: int
    amount: int
    due_date: date | None = None


class MonthSummaryOut(BaseModel):
    month: str
    bills: int = Field(description="bills of the month (draft or issued)")
    total: int = Field(description="their total, minor units")
    issued: bool
    previous_issued_month: str | None = None
    previous_issued_total: int | None = None
