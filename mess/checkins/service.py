"""Check-in at the counter: identify the resident, check the meal, record the attempt (docs/architecture.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.auth.qr import QrCode, issue_qr_token, verify_qr_token
from mess.checkins import repository
from mess.checkins.rules import Attempt, decide, duplicate
from mess.checkins.schemas import CheckInIn, CheckInOut, CheckInRecord, QrTokenOut
from mess.checkins.windows import Meal, choose_meal
from mess.errors import ErrorCode, Forbidden, InvalidInput
from mess.kit.dates import local_today
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, load_slot
from mess.models import Mess, Resident
from mess.residents import repository as residents
from mess.residents.service import load_resident


async def resolve_meal(
    session: AsyncSession, mess: Mess, day: date | None, slot_code: str | None, now: datetime
) -> Meal:
    """The named meal, or the current or next meal of the mess when no slot is named."""
    if slot_code is None:
        return choose_meal(mess, await list_slots(session, mess.id), day, None, now)
    return choose_meal(mess, [await load_slot(session, mess.id, slot_code)], day, slot_code, now)


async def check_in(session: AsyncSession, actor: Actor, data: CheckInIn, now: datetime, secret: str) -> CheckInOut:
    """Record one attempt at the counter and say whether to let the resident in (the rules: rules.decide)."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(data.mess_id))
    target = await resolve_meal(session, mess, data.date, data.slot, now)
    typed = (data.roll_no or "").strip()
    attempt = Attempt(mess, target, actor, "qr" if data.token is not None else "roll_no", typed, now)

    resident: Resident | None = None
    invalid_qr = False
    if data.token is not None:
        resident_id = qr_resident(verify_qr_token(data.token, secret), now)
        if resident_id is None:
            invalid_qr = True
        else:
            resident = await residents.get(session, resident_id)
            attempt.roll_no = resident.roll_no if resident is not None else f"(QR r{resident_id})"
    else:
        resident = await residents.get_by_roll_no(session, typed)
    booking = None
    if resident is not None and resident.mess_id == mess.id:
        booking = await repository.effective_booking(
            session, mess.id, mess.booking_mode == "opt_out", resident.id, target.day, target.slot.id
        )
    decision = decide(attempt, resident, booking, invalid_qr)
    if decision.admit and resident is not None:  # an admitting decision always names the resident
        admitted_id = await repository.admit(session, attempt.values(decision))
        if admitted_id is not None:
            return await attempt.finish(session, admitted_id, decision, data.reason)
        earlier = await repository.admission(session, resident.id, target.day, target.slot.id)
        decision = duplicate(attempt, resident, earlier.created_at if earlier is not None else None)
    row_id = await repository.record(session, attempt.values(decision))
    return await attempt.finish(session, row_id, decision, data.reason)


EXPIRED_QR = "this QR code has expired; ask the resident to open a fresh code"


def qr_resident(code: QrCode | None, at: datetime) -> int | None:
    """The resident of a verified code; None for a code this system did not issue; an expired code is refused."""
    if code is None:
        return None
    if code.expired(at):
        raise InvalidInput(EXPIRED_QR, ErrorCode.INVALID_TOKEN)
    return code.resident_id


async def list_checkins(
    session: AsyncSession,
    actor: Actor,
    day: date | None,
    slot_code: str | None,
    mess_id: int | None,
    limit: int,
    offset: int,
    now: datetime,
) -> list[CheckInRecord]:
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    slot_id = (await load_slot(session, mess.id, slot_code)).id if slot_code else None
    day = day or local_today(now, mess.timezone)
    rows = await repository.list_attempts(session, mess.id, day, slot_id, limit, offset)
    return [
        CheckInRecord(
            id=row.CheckIn.id,
            date=row.CheckIn.meal_date,
            slot=row.slot,
            roll_no=row.CheckIn.roll_no,
            resident_id=row.CheckIn.resident_id,
            name=row.name,
            result=row.CheckIn.result,
            admitted=row.CheckIn.admitted,
            walk_in=row.CheckIn.walk_in,
            method=row.CheckIn.method,
            created_at=row.CheckIn.created_at,
            created_by=row.CheckIn.created_by,
        )
        for row in rows
    ]


def qr_svg(token: str) -> str:
    """The token as a QR code in inline SVG (drawn locally; no image service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(token, image_factory=SvgPathImage, box_size=10, border=2)
    return str(image.to_string(encoding="unicode"))


async def my_qr(session: AsyncSession, actor: Actor, now: datetime, secret: str, seconds: int) -> QrTokenOut:
    """A fresh short-lived QR token for the signed-in resident."""
    if not actor.is_resident or actor.resident_id is None:
        raise Forbidden("only residents have a check-in QR code")
    resident = await load_resident(session, actor, actor.resident_id)
    token = issue_qr_token(resident.id, secret, now, seconds)
    expires_at = datetime.fromtimestamp(int(now.timestamp()) + seconds, tz=now.tzinfo)
    return QrTokenOut(token=token, expires_at=expires_at, svg=qr_svg(token))
