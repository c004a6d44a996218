"""Semester rollover: end the stay of a chosen set of residents on one date, or move new arrivals to another
mess, in one audited action (set-based: one UPDATE, one audit row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mess.audit.repository import record
from mess.auth.actor import Actor
from mess.errors import InvalidInput
from mess.kit.ids import MAX_ID
from mess.messes.service import load_mess
from mess.models import (
    Adjustment,
    Bill,
    Booking,
    CheckIn,
    ExtraPurchase,
    Leave,
    LedgerEntry,
    Resident,
    UserAccount,
)
from mess.residents import repository
from mess.residents.schemas import NO_NUL, ResidentSearch
from mess.residents.service import resident_filter


class RolloverIn(BaseModel):
    action: Literal["end", "move"] = Field(description="end: set active_to; move: to another mess")
    active_to: date | None = Field(None, description="end: the last day of the stay")
    to_mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="move: the mess they go to")
    reason: str = Field(min_length=3, max_length=200, pattern=NO_NUL)
    q: str | None = Field(None, max_length=64, pattern=NO_NUL)
    status: Literal["all", "active", "leaving"] = "all"
    resident_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=20_000, description="only these (within the filter)"
    )
    mess_id: int | None = Field(None, ge=1, le=MAX_ID, description="admins name the mess")
    dry_run: bool = False

    @model_validator(mode="after")
    def _target(self) -> RolloverIn:
        if self.action == "end" and self.active_to is None:
            raise ValueError("say the last day of the stay (active_to)")
        if self.action == "move" and self.to_mess_id is None:
            raise ValueError("say which mess they move to (to_mess_id)")
        return self


class RolloverRefusal(BaseModel):
    resident_id: int
    roll_no: str
    message: str


class RolloverOut(BaseModel):
    action: str
    affected: int
    refused: list[RolloverRefusal] = []


def _has_history() -> ColumnElement[bool]:
    # Moving would take a resident's past meals, bills and payments to the other mess's books: refused.
    tables = (Bill, Booking, Leave, CheckIn, LedgerEntry, Adjustment, ExtraPurchase)
    return or_(*(exists().where(t.resident_id == Resident.id) for t in tables))


async def rollover(session: AsyncSession, actor: Actor, data: RolloverIn, now: datetime) -> RolloverOut:
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(data.mess_id))
    chosen = resident_filter(mess, ResidentSearch(q=data.q, status=data.status), now)
    query = repository.filtered_ids(chosen)
    if data.resident_ids is not None:
        query = query.where(Resident.id.in_(data.resident_ids))
    refused: list[RolloverRefusal] = []
    if data.action == "end":
        if data.active_to is None:  # the validator refuses this already; the type checker wants it said
            raise InvalidInput("say the last day of the stay")
        too_late = query.where(Resident.active_from > data.active_to).with_only_columns(Resident.id, Resident.roll_no)
        for resident_id, roll_no in (await session.execute(too_late)).all():
            message = f"their stay starts after {data.active_to:%d %b %Y}"
            refused.append(RolloverRefusal(resident_id=resident_id, roll_no=roll_no, message=message))
        ids = list((await session.execute(query.where(Resident.active_from <= data.active_to))).scalars())
        change: dict[str, object] = {"active_to": data.active_to}
    else:
        if data.to_mess_id is None:
            raise InvalidInput("say which mess they move to")
        target = await load_mess(session, data.to_mess_id)
        if target.id == mess.id:
            raise InvalidInput("they are in that mess already")
        busy = query.where(_has_history()).with_only_columns(Resident.id, Resident.roll_no)
        for resident_id, roll_no in (await session.execute(busy)).all():
            message = "has meals, bills or payments here already; end the stay and add them to the other mess"
            refused.append(RolloverRefusal(resident_id=resident_id, roll_no=roll_no, message=message))
        ids = list((await session.execute(query.where(~_has_history()))).scalars())
        change = {"mess_id": target.id}
    if ids and not data.dry_run:
        await session.execute(update(Resident).where(Resident.id.in_(ids)).values(**change))
        if "mess_id" in change:
            users = select(Resident.user_id).where(Resident.id.in_(ids)).scalar_subquery()
            await session.execute(update(UserAccount).where(UserAccount.id.in_(users)).values(**change))
        detail = {"action": data.action, "count": len(ids), "residents": ids[:2000], **change}
        await record(
            session,
            actor=actor,
            mess_id=mess.id,
            action=f"residents.rollover.{data.action}",
            entity="resident",
            entity_id=None,
            now=now,
            reason=data.reason,
            detail=detail,
        )
    return RolloverOut(action=data.action, affected=len(ids), refused=refused)
