"""Messes, their policy and their slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.errors import Conflict, ErrorCode, Forbidden, NotFound
from mess.messes import repository
from mess.messes.schemas import MessCreate, MessOut, MessPatch, SlotOut
from mess.models import Mess, Slot


def slot_cutoff_minutes(mess: Mess, slot: Slot | SlotOut) -> int:
    return slot.cutoff_minutes if slot.cutoff_minutes is not None else mess.cutoff_minutes


async def load_mess(session: AsyncSession, mess_id: int) -> Mess:
    mess = await repository.get_mess(session, mess_id)
    if mess is None:
        raise NotFound("This mess does not exist.")
    return mess


async def load_slot(session: AsyncSession, mess_id: int, code: str) -> Slot:
    slot = await repository.get_slot_by_code(session, mess_id, code)
    if slot is None:
        raise NotFound(f"this mess has no slot {code!r}", ErrorCode.UNKNOWN_SLOT)
    return slot


async def describe(session: AsyncSession, mess: Mess) -> MessOut:
    out = MessOut.model_validate(mess)
    out.slots = [SlotOut.model_validate(s) for s in await repository.list_slots(session, mess.id)]
    return out


async def create_mess(session: AsyncSession, actor: Actor, data: MessCreate, now: datetime) -> MessOut:
    actor.require("admin")
    if await repository.get_mess_by_code(session, data.code):
        raise Conflict(f"a mess with code {data.code!r} exists", ErrorCode.ALREADY_EXISTS)
    mess = Mess(**data.model_dump(exclude={"slots"}), created_at=now)
    session.add(mess)
    await session.flush()
    for position, slot in enumerate(data.slots):
        session.add(Slot(mess_id=mess.id, position=position, **slot.model_dump()))
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("the mess or one of its slots conflicts with an existing one") from exc
    return await describe(session, mess)


async def list_messes(session: AsyncSession, actor: Actor) -> list[MessOut]:
    messes = await repository.list_messes(session, None if actor.is_admin else actor.mess_id)
    return [await describe(session, mess) for mess in messes]


async def update_mess(session: AsyncSession, actor: Actor, mess_id: int, patch: MessPatch) -> MessOut:
    actor.require("admin", "warden")
    if not actor.can_see_mess(mess_id):
        raise Forbidden("a warden may change only their own mess", ErrorCode.WRONG_MESS)
    mess = await load_mess(session, mess_id)
    for field, value in patch.model_dump(exclude_unset=True).items():
        if field in ("upi_vpa", "payee_name"):
            setattr(mess, field, value.strip() or None if value is not None else getattr(mess, field))
        elif field == "waste_target_grams" and value is not None:
            mess.waste_target_grams = value or None
        elif value is not None:
            setattr(mess, field, value)
    await session.flush()
    return await describe(session, mess)


async def list_slots(session: AsyncSession, actor: Actor, mess_id: int | None = None) -> list[SlotOut]:
    target = actor.mess_for(mess_id)
    return [SlotOut.model_validate(row) for row in await repository.slot_rows(session, target)]
