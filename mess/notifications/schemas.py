"""Shapes of the notifications API (PRODUCT 7.3)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
B64URL = r"^[A-Za-z0-9_-]+=*$"
Kind = Literal["reminder", "leave", "bill", "menu"]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Kind
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class ReadAllOut(BaseModel):
    marked: int = Field(description="notifications that were unread")


class PreferencesIn(BaseModel):
    """What a person wants besides the inbox. A field left out keeps its value; quiet hours are both or neither
    (null), local times of the mess (HH:MM, 24 h), and may cross midnight."""

    model_config = ConfigDict(extra="forbid")

    email: bool | None = None
    push: bool | None = None
    reminders: bool | None = None
    quiet_start: str | None = Field(None, pattern=HHMM, description="HH:MM")
    quiet_end: str | None = Field(None, pattern=HHMM, description="HH:MM")

    @model_validator(mode="after")
    def _both_or_neither(self) -> PreferencesIn:
        start, end = self.quiet_start, self.quiet_end
        if ("quiet_start" in self.model_fields_set) != ("quiet_end" in self.model_fields_set):
            raise ValueError("Give both the start and the end of the quiet hours.")
        if (start is None) != (end is None):
            raise ValueError("Give both the start and the end of the quiet hours, or neither.")
        if start is not None and start == end:
            raise ValueError("The quiet hours must start and end at different times.")
        return self


class PreferencesOut(BaseModel):
    email: bool
    push: bool
    reminders: bool
    quiet_start: str | None
    quiet_end: str | None
    push_subscriptions: int = Field(0, description="browsers of this person subscribed to Web Push")


def hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


class PushKeys(BaseModel):
    p256dh: str = Field(min_length=80, max_length=128, pattern=B64URL)
    auth: str = Field(min_length=16, max_length=64, pattern=B64URL)


class PushSubscriptionIn(BaseModel):
    """The browser's PushSubscription.toJSON()."""

    endpoint: str = Field(min_length=10, max_length=1024)
    expirationTime: float | None = Field(None, ge=0, le=1e15)
    keys: PushKeys


class PushKeyOut(BaseModel):
    public_key: str = Field(description="the VAPID public key (base64url, uncompressed P-256 point)")
