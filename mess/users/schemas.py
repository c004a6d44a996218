from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mess.kit.ids import MAX_ID


class UserCreate(BaseModel):
    login: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=8, max_length=256)
    role: Literal["staff", "warden", "admin"]
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    name: str
    role: str
    mess_id: int | None


class Me(BaseModel):
    id: int
    role: str
    login: str
    roll_no: str | None
    name: str
    mess_id: int | None
    mess_code: str | None
    resident_id: int | None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
