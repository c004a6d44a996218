from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from mess.kit.dates import TIMEZONES, is_valid_timezone

BookingMode = Literal["opt_in", "opt_out"]
# A UPI virtual payment address: handle@bank (NPCI allows letters, digits, dot, hyphen and underscore).
UPI_VPA_PATTERN = r"^[A-Za-z0-9._-]{2,255}@[A-Za-z][A-Za-z0-9]{1,63}$"
_ZONES: list[JsonValue] = [*TIMEZONES]  # the OpenAPI lists them: a mess's time zone is one of these


# A wall-clock time of the mess's own time zone: "HH:MM" or "HH:MM:SS", deliberately without an offset
# (JSON Schema's "time" format would demand one).
def _naive(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a local time of the mess (HH:MM), without a time zone offset")
    return value


LocalTime = Annotated[
    time,
    AfterValidator(_naive),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "description": "local time HH:MM[:SS]"}
    ),
]


class SlotIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=64)
    serve_start: LocalTime
    serve_end: LocalTime
    cutoff_minutes: int | None = Field(None, ge=0, le=10080)

    @model_validator(mode="after")
    def _window(self) -> SlotIn:
        if self.serve_end <= self.serve_start:
            raise ValueError("serve_end must be after serve_start")
        return self


class SlotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    serve_start: LocalTime
    serve_end: LocalTime
    cutoff_minutes: int | None


class MessPolicy(BaseModel):
    timezone: str = Field("Asia/Kolkata", json_schema_extra={"enum": _ZONES})
    currency: str = Field("INR", pattern=r"^[A-Z]{3}$")
    booking_mode: BookingMode = "opt_out"
    cutoff_minutes: int = Field(720, ge=0, le=10080)
    min_rebate_days: int = Field(3, ge=1, le=365)
    max_guests: int = Field(5, ge=0, le=100)
    allow_walk_in: bool = True
    payment_due_days: int = Field(10, ge=0, le=90, description="an issued bill is due this many days after issue")
    upi_vpa: str | None = Field(None, max_length=255, pattern=UPI_VPA_PATTERN, description="bills show a UPI QR")
    payee_name: str | None = Field(None, min_length=1, max_length=120, description="the name UPI apps show")
    waste_target_grams: int | None = Field(None, ge=1, le=5000, description="waste per plate aimed at, grams")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_valid_timezone(value):
            raise ValueError(f"unknown IANA time zone {value!r}")
        return value


class MessCreate(MessPolicy):
    name: str = Field(min_length=1, max_length=120)
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    slots: list[SlotIn] = Field(default_factory=list, max_length=12)

    @model_validator(mode="after")
    def _unique_slot_codes(self) -> MessCreate:
        codes = [slot.code for slot in self.slots]
        if len(codes) != len(set(codes)):
            raise ValueError("slot codes must be unique")
        return self


class MessPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    timezone: str | None = Field(None, json_schema_extra={"enum": [*_ZONES, None]})
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    booking_mode: BookingMode | None = None
    cutoff_minutes: int | None = Field(None, ge=0, le=10080)
    min_rebate_days: int | None = Field(None, ge=1, le=365)
    max_guests: int | None = Field(None, ge=0, le=100)
    allow_walk_in: bool | None = None
    payment_due_days: int | None = Field(None, ge=0, le=90)
    upi_vpa: str | None = Field(None, max_length=255, pattern=UPI_VPA_PATTERN + "|^$", description="'' removes it")
    payee_name: str | None = Field(None, max_length=120, description="'' removes it")
    waste_target_grams: int | None = Field(None, ge=0, le=5000, description="grams of waste per plate; 0 removes it")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_timezone(value):
            raise ValueError(f"unknown IANA time zone {value!r}")
        return value


class MessOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    timezone: str
    currency: str
    booking_mode: BookingMode
    cutoff_minutes: int
    min_rebate_days: int
    max_guests: int
    allow_walk_in: bool
    payment_due_days: int = 10
    upi_vpa: str | None = None
    payee_name: str | None = None
    waste_target_grams: int | None = None
    slots: list[SlotOut] = Field(default_factory=list)
