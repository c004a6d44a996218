from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from mess.headcount.expected import Expected


class FrozenHeadcount(BaseModel):
    at: dt.datetime = Field(description="when the snapshot was taken (at or soon after the cutoff)")
    booked: int
    guests: int
    by_diet: dict[str, int]


class ExpectedOut(BaseModel):
    """The meal's expected plates and their parts (mess.headcount.expected: one function for the counter, this
    API, the forecast and the kitchen plan)."""

    expected: int = Field(description="plates: booked x show rate + expected walk-ins + guests, rounded")
    low: int = Field(description="lower bound (10% of the method's past errors below it)")
    high: int = Field(description="upper bound (90% of the method's past errors below it)")
    booked: int
    show_rate: float = Field(description="learned for this slot and weekday from its past meals")
    shows: float = Field(description="booked residents expected to come: booked x show rate")
    walk_ins: float = Field(description="expected walk-ins, learned for this slot and weekday")
    guests: int
    method: str = Field(description="bookings, or naive (same weekday last week) when that was more accurate")
    bookings_known: bool = Field(description="the cutoff has passed: bookings can no longer change")
    mape: float | None = Field(description="the booking-based estimate's error (%) on the slot's past meals")
    mape_naive: float | None = Field(description="same weekday last week's error (%) on the same meals")

    @classmethod
    def of(cls, value: Expected) -> ExpectedOut:
        return cls(
            expected=value.expected,
            low=value.low,
            high=value.high,
            booked=value.booked,
            show_rate=value.show_rate,
            shows=value.shows,
            walk_ins=value.walk_ins,
            guests=value.guests,
            method=value.method,
            bookings_known=value.bookings_known,
            mape=value.mape,
            mape_naive=value.mape_naive,
        )


class ForecastBasis(BaseModel):
    show_rate: float = Field(description="the show rate applied: the slot's, for this weekday, over 56 days")
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
    expected: ExpectedOut = Field(description="expected plates, with walk-ins and guests, and their bounds")
    frozen: FrozenHeadcount | None = Field(description="the headcount frozen at the cutoff, once taken")
    takeaways: int = Field(0, description="booked residents taking their meal as a parcel (PRODUCT 7.3)")
    by_allergen: dict[str, int] = Field(
        default_factory=dict, description="booked residents per allergen they avoid, every allergen listed"
    )
