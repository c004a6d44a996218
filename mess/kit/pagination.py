from __future__ import annotations

from pydantic import BaseModel, Field


class PageParams(BaseModel):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)
