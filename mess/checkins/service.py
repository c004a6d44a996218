"""Check-in at the counter: identify the resident, check the meal, record the attempt (docs/architecture.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mess import metrics, text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.auth.qr import QrTokenError, issue_qr_token, read_qr_token
from mess.checkins import repository
from mess.checkins.schemas import CheckInIn, CheckInOut, CheckInRecord, CheckInResident, QrTokenOut
from mess.checkins.windows import Meal, choose_meal
from mess.errors import ErrorCode, Forbidden, InvalidInput
from mess.kit.dates import local_today, zone
from mess.messes.repository import list_slots
from mess.messes.service import load_mess, load_slot
from mess.models import Mess, Resident
from mess.residents import repository as residents
from mess.residents.service import load_resident

INVALID_QR = "(invalid QR)"


def _hhmm(instant: datetime, mess: Mess) -> str:
    return instant.astimezone(zone(mess.timezone)).strftime("%H:%M")


async def resolve_meal(
    session: AsyncSession, mess: Mess, day: date | None, slot_code: str | None, now: datetime
) -> Meal:
    """The named meal, or the current or next meal of the mess when no slot is named."""
    if slot_code is None:
        return choose_meal(mess, await list_slots(session, mess.id), day, None, now)
    return choose_meal(mess, [await load_slot(session, mess.id, slot_code)], day, slot_code, now)


class _Attempt:
    """The facts of one attempt, turned into a row, a metric, an audit entry and the counter's answer."""

    def __init__(self, mess: Mess, target: Meal, actor: Actor, method: str, roll_no: str, now: datetime) -> None:
        self.mess, self.target, self.actor, self.method, self.roll_no, self.now = (
            mess,
            target,
            actor,
            method,
            roll_no,
            now,
        )

    def values(self, resident: Resident | None, result: str, walk_in: bool = False) -> dict[str, Any]:
        return {
            "mess_id": self.mess.id,
            "resident_id": resident.id if resident is not None else None,
            "roll_no": (resident.roll_no if resident is not None else self.roll_no)[:64],
            "meal_date": self.target.day,
            "slot_id": self.target.slot.id,
            "result": result,
            "walk_in": walk_in,
            "method": self.method,
            "created_at": self.now,
            "created_by": self.actor.user_id,
        }

    async def finish(
        self,
        session: AsyncSession,
        row_id: int,
        result: str,
        message: str,
        *,
        accepted: bool = False,
        walk_in: bool = False,
        resident: Resident | None = None,
        guests: int = 0,
        reason: str = "",
    ) -> CheckInOut:
        metrics.CHECKINS.labels(self.mess.code, self.target.slot.code, result).inc()
        if self.method == "correction":
            await audit(
                session,
                actor=self.actor,
                mess_id=self.mess.id,
                action="checkin.correction",
                entity="checkin",
                entity_id=row_id,
                now=self.now,
                reason=reason or "check-in recorded after the meal by a warden",
                detail={
                    "date": self.target.day,
                    "slot": self.target.slot.code,
                    "roll_no": self.roll_no,
                    "result": result,
                    "accepted": accepted,
                },
            )
        return CheckInOut(
            id=row_id,
            result=result,
            accepted=accepted,
            walk_in=walk_in,
            method=self.method,
            resident=(
                CheckInResident(id=resident.id, roll_no=resident.roll_no, name=resident.name, diet=resident.diet)
                if resident is not None
                else None
            ),
            date=self.target.day,
            slot=self.target.slot.code,
            guests=guests,
            message=message,
        )


async def check_in(session: AsyncSession, actor: Actor, data: CheckInIn, now: datetime, secret: str) -> CheckInOut:
    """Record one attempt at the counter and say whether to let the resident in."""
    actor.require("staff", "warden", "admin")
    mess = await load_mess(session, actor.mess_for(data.mess_id))
    target = await resolve_meal(session, mess, data.date, data.slot, now)
    slot_name = target.slot.name
    typed = (data.roll_no or "").strip()
    attempt = _Attempt(mess, target, actor, "qr" if data.token is not None else "roll_no", typed, now)

    resident: Resident | None
    if data.token is not None:
        try:
            resident_id = read_qr_token(data.token, secret, now)
        except QrTokenError as exc:
            if exc.reason == "expired":
                raise InvalidInput(
                    "this QR code has expired; ask the resident to open a fresh code", ErrorCode.INVALID_TOKEN
                ) from exc
            attempt.roll_no = INVALID_QR
            row_id = await repository.record(session, attempt.values(None, "unknown_resident"))
            return await attempt.finish(
                session,
                row_id,
                "unknown_resident",
                "Invalid QR code: not issued by this system. Ask for the roll number.",
            )
        resident = await residents.get(session, resident_id)
        attempt.roll_no = resident.roll_no if resident is not None else f"(QR r{resident_id})"
    else:
        resident = await residents.get_by_roll_no(session, typed)

    if resident is None:
        row_id = await repository.record(session, attempt.values(None, "unknown_resident"))
        return await attempt.finish(
            session, row_id, "unknown_resident", f"No resident with roll number {attempt.roll_no}."
        )
    if resident.mess_id != mess.id:
        # Staff see only their own mess: say where the problem is, not who the resident is.
        row_id = await repository.record(session, attempt.values(resident, "wrong_mess"))
        return await attempt.finish(
            session, row_id, "wrong_mess", f"{resident.roll_no} eats at another mess; send them there."
        )

    state = target.state(now)
    if state != "open":
        if actor.is_manager and state == "over":
            attempt.method = "correction"
        else:
            row_id = await repository.record(session, attempt.values(resident, "outside_window"))
            shown_day = text.day(target.day, text.today_at(now, mess.timezone))
            when = (
                f"{slot_name} on {shown_day} is served {_hhmm(target.opens_at, mess)}-{_hhmm(target.closes_at, mess)}"
            )
            reason = "has not started" if state == "upcoming" else "is over"
            return await attempt.finish(session, row_id, "outside_window", f"{when}; it {reason}.", resident=resident)

    booking = await repository.effective_booking(
        session, mess.id, mess.booking_mode == "opt_out", resident.id, target.day, target.slot.id
    )
    name = resident.name
    if booking is None or booking.source == "not_resident":
        row_id = await repository.record(session, attempt.values(resident, "not_booked"))
        return await attempt.finish(
            session,
            row_id,
            "not_booked",
            f"{name} is not a resident of this mess on {text.day(target.day, text.today_at(now, mess.timezone))}.",
            resident=resident,
            reason=data.reason,
        )
    if booking.source == "leave":
        row_id = await repository.record(session, attempt.values(resident, "on_leave"))
        return await attempt.finish(
            session,
            row_id,
            "on_leave",
            f"{name} is on approved leave on {text.day(target.day, text.today_at(now, mess.timezone))}.",
            resident=resident,
            reason=data.reason,
        )

    booked = bool(booking.booked)
    if not booked and not mess.allow_walk_in:
        row_id = await repository.record(session, attempt.values(resident, "not_booked"))
        return await attempt.finish(
            session,
            row_id,
            "not_booked",
            f"{name} has not booked {slot_name}, and this mess does not take walk-ins.",
            resident=resident,
            reason=data.reason,
        )

    result, walk_in = ("ok", False) if booked else ("not_booked", True)
    admitted_id = await repository.admit(session, attempt.values(resident, result, walk_in))
    if admitted_id is None:
        earlier = await repository.admission(session, resident.id, target.day, target.slot.id)
        at = f" at {_hhmm(earlier.created_at, mess)}" if earlier is not None else ""
        row_id = await repository.record(session, attempt.values(resident, "duplicate"))
        return await attempt.finish(
            session,
            row_id,
            "duplicate",
            f"{name} already checked in for {slot_name}{at}.",
            resident=resident,
            reason=data.reason,
        )
    guests = int(booking.guests or 0) if booked else 0
    if booked:
        with_guests = f" with {guests} guest{'s' if guests != 1 else ''}" if guests else ""
        message = f"Welcome, {name}{with_guests}: {slot_name}."
    else:
        message = f"Walk-in: {name} has not booked {slot_name}; charged at the walk-in price."
    return await attempt.finish(
        session,
        admitted_id,
        result,
        message,
        accepted=True,
        walk_in=walk_in,
        resident=resident,
        guests=guests,
        reason=data.reason,
    )


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
