from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Source = Literal["explicit", "default", "leave", "not_resident"]


class BookingIn(BaseModel):
    guests: int = Field(0, ge=0, le=1000)
    takeaway: bool = Field(False, description="a parcel to take away instead of eating in (PRODUCT 7.3)")
    resident_id: int | None = Field(None, ge=1, le=2_147_483_647)
    reason: str = Field("", max_length=500, description="why staff changed it (audited)")


class EffectiveBooking(BaseModel):
    resident_id: int
    date: date
    slot: str
    slot_id: int
    booked: bool
    guests: int
    takeaway: bool = Field(False, description="booked as a parcel to take away")
    source: Source
    cutoff_at: datetime
    open: bool = Field(description="whether the resident may still change it")
