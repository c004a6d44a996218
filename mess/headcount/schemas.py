from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class FrozenHeadcount(BaseModel):
    at: dt.datetime = Field(description="when the snapshot was taken (at or soon after the cutoff)")
    booked: int
    guests: int
    by_diet: dict[str, int]


class ForecastBasis(BaseModel):
    show_rate: float = Field(description="checked-in / booked over the slot's frozen meals of the last 28 days")
    meals: int = Field(description="how many past meals the rate is based on (0: no history, rate 1.0)")
    booked: int
    checked_in: int


class HeadcountOut(BaseModel):
    mess_id: int
    date: dt.date
    slot: str
    residents: int = Field(description="residents of the mess on that date")
    booked: int = Field(description="residents whose effective booking is booked")
    guests: int
    by_diet: dict[str, int] = Field(description="booked residents by diet")
    on_leave: int = Field(description="residents covered by an approved leave")
    checked_in: int = Field(description="admitted at the counter: booked residents plus walk-ins")
    walk_ins: int
    not_checked_in: int = Field(description="booked residents not yet checked in")
    forecast: int = Field(description="expected booked residents to show up: booked x show rate, rounded")
    forecast_basis: ForecastBasis
    frozen: FrozenHeadcount | None = Field(description="the headcount frozen at the cutoff, once taken")
