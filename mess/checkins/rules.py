"""The rules of one check-in, decided from facts already loaded: a single check-in (service.check_in) and a batch
of queued ones (batch.settle) load the facts differently but decide by this one function, so they cannot drift.

The caller admits when the decision says so; the database's unique admission index has the last word, and a lost
admission becomes `duplicate` (see duplicate())."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mess import metrics, text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.checkins.schemas import CheckInOut, CheckInResident
from mess.checkins.windows import Meal
from mess.kit.dates import zone
from mess.models import Mess, Resident

INVALID_QR = "(invalid QR)"


def hhmm(instant: datetime, mess: Mess) -> str:
    return instant.astimezone(zone(mess.timezone)).strftime("%H:%M")


@dataclass(slots=True)
class Decision:
    """What to record and say. `admit`: let in (ok, or a walk-in) if nobody was admitted to the meal first."""

    result: str
    message: str
    resident: Resident | None = None
    admit: bool = False
    walk_in: bool = False
    guests: int = 0
    shown: bool = True  # the answer names the resident (not one of another mess)


class Attempt:
    """The facts of one attempt, turned into a row, a metric, an audit entry and the counter's answer."""

    def __init__(self, mess: Mess, target: Meal, actor: Actor, method: str, roll_no: str, now: datetime) -> None:
        self.mess, self.target, self.actor = mess, target, actor
        self.method, self.roll_no, self.now = method, roll_no, now

    def values(self, decision: Decision) -> dict[str, Any]:
        resident = decision.resident
        return {
            "mess_id": self.mess.id,
            "resident_id": resident.id if resident is not None else None,
            "roll_no": (resident.roll_no if resident is not None else self.roll_no)[:64],
            "meal_date": self.target.day,
            "slot_id": self.target.slot.id,
            "result": decision.result,
            "walk_in": decision.walk_in,
            "method": self.method,
            "created_at": self.now,
            "created_by": self.actor.user_id,
            "admitted": decision.admit,
        }

    async def finish(self, session: AsyncSession, row_id: int, decision: Decision, reason: str = "") -> CheckInOut:
        metrics.CHECKINS.labels(self.mess.code, self.target.slot.code, decision.result).inc()
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
                    "result": decision.result,
                    "accepted": decision.admit,
                },
            )
        resident = decision.resident if decision.shown else None
        return CheckInOut(
            id=row_id,
            result=decision.result,
            accepted=decision.admit,
            walk_in=decision.walk_in,
            method=self.method,
            resident=(
                CheckInResident(id=resident.id, roll_no=resident.roll_no, name=resident.name, diet=resident.diet)
                if resident is not None
                else None
            ),
            date=self.target.day,
            slot=self.target.slot.code,
            guests=decision.guests,
            message=decision.message,
        )


def decide(attempt: Attempt, resident: Resident | None, booking: Any, invalid_qr: bool = False) -> Decision:
    """The rules in order: a valid code or known roll number, this mess, the serving window (a warden may record
    a meal that is over: a correction), a resident that day, not on leave, booked or walk-ins allowed.

    `booking` is the resident's effective-booking row for the meal (mess.bookings.repository), None if none."""
    mess, target, now = attempt.mess, attempt.target, attempt.now
    if invalid_qr:
        attempt.roll_no = INVALID_QR
        return Decision("unknown_resident", "Invalid QR code: not issued by this system. Ask for the roll number.")
    if resident is None:
        return Decision("unknown_resident", f"No resident with roll number {attempt.roll_no}.")
    if resident.mess_id != mess.id:
        # Staff see only their own mess: say where the problem is, not who the resident is.
        message = f"{resident.roll_no} eats at another mess; send them there."
        return Decision("wrong_mess", message, resident, shown=False)
    slot_name, name = target.slot.name, resident.name
    shown_day = text.day(target.day, text.today_at(now, mess.timezone))
    state = target.state(now)
    if state != "open":
        if attempt.actor.is_manager and state == "over":
            attempt.method = "correction"
        else:
            when = f"{slot_name} on {shown_day} is served {hhmm(target.opens_at, mess)}-{hhmm(target.closes_at, mess)}"
            reason = "has not started" if state == "upcoming" else "is over"
            return Decision("outside_window", f"{when}; it {reason}.", resident)
    if booking is None or booking.source == "not_resident":
        return Decision("not_booked", f"{name} is not a resident of this mess on {shown_day}.", resident)
    if booking.source == "leave":
        return Decision("on_leave", f"{name} is on approved leave on {shown_day}.", resident)
    if not booking.booked:
        if not mess.allow_walk_in:
            return Decision(
                "not_booked", f"{name} has not booked {slot_name}, and this mess does not take walk-ins.", resident
            )
        message = f"Walk-in: {name} has not booked {slot_name}; charged at the walk-in price."
        return Decision("not_booked", message, resident, admit=True, walk_in=True)
    guests = int(booking.guests or 0)
    with_guests = f" with {guests} guest{'s' if guests != 1 else ''}" if guests else ""
    return Decision("ok", f"Welcome, {name}{with_guests}: {slot_name}.", resident, admit=True, guests=guests)


def duplicate(attempt: Attempt, resident: Resident, earlier: datetime | None) -> Decision:
    """The resident was already admitted to this meal (at `earlier`, if known)."""
    at = f" at {hhmm(earlier, attempt.mess)}" if earlier is not None else ""
    return Decision("duplicate", f"{resident.name} already checked in for {attempt.target.slot.name}{at}.", resident)
