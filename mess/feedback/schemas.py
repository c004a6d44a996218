from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class FeedbackIn(BaseModel):
    date: date
    slot: str = Field(min_length=1, max_length=32, description="slot code")
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class FeedbackOut(BaseModel):
    id: int
    mess_id: int
    resident_id: int
    date: date
    slot: str
    slot_id: int
    rating: int
    comment: str
    created_at: datetime
