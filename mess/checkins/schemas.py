from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from mess.kit.ids import MAX_ID

CheckInResult = Literal["ok", "duplicate", "not_booked", "on_leave", "outside_window", "unknown_resident", "wrong_mess"]
Method = Literal["roll_no", "qr", "correction"]


class CheckInIn(BaseModel):
    """Who is at the counter (a typed roll number or a scanned QR token) and, optionally, for which meal."""

    roll_no: str | None = Field(None, min_length=1, max_length=64)
    token: str | None = Field(None, min_length=1, max_length=256)
    date: dt.date | None = Field(None, description="the meal's local date; default: the current or next meal")
    slot: str | None = Field(None, min_length=1, max_length=32, description="slot code; default: current or next")
    reason: str = Field("", max_length=500, description="why a warden records a past meal (audited)")
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")

    @model_validator(mode="after")
    def _one_identity(self) -> CheckInIn:
        if (self.roll_no is None) == (self.token is None):
            raise ValueError("send exactly one of roll_no or token")
        if self.roll_no is not None and not self.roll_no.strip():
            raise ValueError("Enter a roll number.")
        if self.date is not None and self.slot is None:
            raise ValueError("name the slot when you name the date")
        return self


class CheckInResident(BaseModel):
    id: int
    roll_no: str
    name: str
    diet: str


class CheckInOut(BaseModel):
    """What the counter screen shows: `accepted` (green) or not (red), and a message for humans."""

    id: int = Field(description="the recorded attempt")
    result: CheckInResult
    accepted: bool
    walk_in: bool
    method: Method
    resident: CheckInResident | None
    date: dt.date
    slot: str
    guests: int
    message: str


class CheckInRecord(BaseModel):
    id: int
    date: dt.date
    slot: str
    roll_no: str
    resident_id: int | None
    name: str | None
    result: CheckInResult
    admitted: bool
    walk_in: bool
    method: Method
    created_at: dt.datetime
    created_by: int | None


class QrTokenOut(BaseModel):
    token: str
    expires_at: dt.datetime
    svg: str = Field(description="the token as a QR code, inline SVG")


MAX_BATCH = 20_000


class BatchEntryIn(BaseModel):
    """One check-in the counter decided offline: who, for which meal, when it was scanned."""

    client_id: str = Field(min_length=1, max_length=64, description="the counter's id of the entry, echoed back")
    roll_no: str | None = Field(None, min_length=1, max_length=64)
    token: str | None = Field(None, min_length=1, max_length=256)
    date: dt.date
    slot: str = Field(min_length=1, max_length=32)
    at: dt.datetime = Field(description="when it was scanned (with its offset); never later than the server's now")

    @model_validator(mode="after")
    def _one_identity(self) -> BatchEntryIn:
        if (self.roll_no is None) == (self.token is None):
            raise ValueError("send exactly one of roll_no or token")
        if self.at.tzinfo is None:
            raise ValueError("at must carry its UTC offset")
        return self


class BatchIn(BaseModel):
    entries: list[BatchEntryIn] = Field(min_length=1, max_length=MAX_BATCH)
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class BatchEntryOut(BaseModel):
    client_id: str
    result: CheckInResult | Literal["refused"] = Field(description="refused: the entry itself was not valid (code)")
    accepted: bool = False
    code: str | None = Field(None, description="why a refused entry was refused (e.g. invalid_token, unknown_slot)")
    message: str
    checkin: CheckInOut | None = None


class BatchOut(BaseModel):
    settled: int
    admitted: int
    results: list[BatchEntryOut]


class CounterKeyOut(BaseModel):
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(
        description="raw 32-byte key, base64url; signatures cover 'qr1:' + the token's first two parts"
    )


class RosterEntry(BaseModel):
    id: int
    roll_no: str
    name: str
    diet: str
    state: Literal["booked", "not_booked", "on_leave"]
    checked_in: bool = Field(False, description="admitted to the meal when the roster was read")


class MealRosterOut(BaseModel):
    """What a counter keeps to decide check-ins without the network (the server settles them later)."""

    date: dt.date
    slot: str
    slot_name: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    walk_in_allowed: bool
    public_key: str = Field(description="Ed25519, raw, base64url: verifies the residents' QR codes")
    residents: list[RosterEntry]
