"""Leave (rebate): a resident applies, a warden approves or rejects; approved leave removes the meals it covers."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.audit.repository import record as audit
from mess.auth.actor import Actor
from mess.bookings.service import cutoff_at
from mess.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from mess.kit import date_limits
from mess.kit.dates import local_instant
from mess.leaves import repository
from mess.leaves.schemas import LeaveIn, LeaveOut
from mess.messes.repository import list_slots
from mess.messes.service import load_mess
from mess.models import Leave, Mess, Resident
from mess.notifications import events as notify
from mess.residents.service import listing_scope, target_resident
from mess.text import REVERSED_RANGE

ACTIVE_STATUSES = ("pending", "approved")


async def application_deadline(session: AsyncSession, mess: Mess, first_day: date) -> datetime:
    """A resident must apply before the cutoff of the first meal (earliest serving start) of the first day."""
    slots = await list_slots(session, mess.id)  # ordered by serve_start
    if not slots:
        return local_instant(first_day, time(0), mess.timezone)
    return cutoff_at(mess, slots[0], first_day)


def _within_residency(resident: Resident, start: date, end: date) -> bool:
    return resident.active_from <= start and (resident.active_to is None or end <= resident.active_to)


async def apply_for_leave(session: AsyncSession, actor: Actor, data: LeaveIn, now: datetime) -> LeaveOut:
    """A resident applies for themselves (pending); a warden records one for any resident of their mess and any
    dates, pending or already approved, written to the audit log."""
    actor.require("resident", "warden", "admin")
    if actor.is_resident and data.status != "pending":
        raise Forbidden("only a warden may record an approved leave")
    resident = await target_resident(session, actor, data.resident_id)
    mess = await load_mess(session, resident.mess_id)
    today = text.today_at(now, mess.timezone)
    date_limits.ahead_date(data.end_date, today, "A leave")
    if not _within_residency(resident, data.start_date, data.end_date):
        raise Conflict(
            f"{resident.name} is not a resident for the whole of {text.span(data.start_date, data.end_date, today)}",
            ErrorCode.NOT_RESIDENT,
        )
    if actor.is_resident:
        deadline = await application_deadline(session, mess, data.start_date)
        if now >= deadline:
            raise Conflict(
                f"A leave from {text.day(data.start_date, today)} had to be applied for before "
                f"{text.moment(deadline, mess.timezone, today)}",
                ErrorCode.CUTOFF_PASSED,
            )
    await repository.lock_resident(session, resident.id)
    clash = await repository.overlapping(session, resident.id, data.start_date, data.end_date, ACTIVE_STATUSES)
    if clash is not None:
        raise Conflict(
            f"This overlaps the {clash.status} leave {text.span(clash.start_date, clash.end_date, today)}",
            ErrorCode.LEAVE_OVERLAP,
        )
    approved = data.status == "approved"
    leave = Leave(
        mess_id=mess.id,
        resident_id=resident.id,
        start_date=data.start_date,
        end_date=data.end_date,
        reason=data.reason,
        status=data.status,
        created_at=now,
        created_by=actor.user_id,
        decided_at=now if approved else None,
        decided_by=actor.user_id if approved else None,
    )
    session.add(leave)
    await session.flush()
    if not actor.is_resident:
        await audit(
            session,
            actor=actor,
            mess_id=mess.id,
            action="leave.record",
            entity="leave",
            entity_id=leave.id,
            now=now,
            reason=data.reason or "recorded by the warden",
            detail={"resident_id": resident.id, "start": data.start_date, "end": data.end_date, "status": data.status},
        )
    return LeaveOut.model_validate(leave)


async def list_leaves(
    session: AsyncSession,
    actor: Actor,
    *,
    status: str | None,
    resident_id: int | None,
    start: date | None,
    end: date | None,
    mess_id: int | None,
    limit: int,
    offset: int,
) -> list[LeaveOut]:
    """A resident sees their own leaves; staff and wardens those of their mess (admins name the mess)."""
    if start is not None and end is not None and end < start:
        raise InvalidInput(REVERSED_RANGE, field="to")
    target, resident_id = await listing_scope(session, actor, resident_id, mess_id)
    rows = await repository.search(
        session,
        mess_id=target,
        resident_id=resident_id,
        status=status,
        start=start,
        end=end,
        limit=limit,
        offset=offset,
    )
    return [LeaveOut.model_validate(row) for row in rows]


async def leave_periods(
    session: AsyncSession, resident: Resident, *, status: str, start: date, end: date
) -> list[tuple[date, date]]:
    """(first day, last day) of each leave with the status of a resident the caller has loaded and may see that
    overlaps start..end (the week page marks the days a pending leave asks for)."""
    return [
        (row.start_date, row.end_date)
        for row in await repository.periods(session, resident.mess_id, resident.id, status, start, end)
    ]


async def decide(
    session: AsyncSession,
    actor: Actor,
    leave_id: int,
    *,
    approve: bool,
    reason: str,
    now: datetime,
    note: str | None = None,
) -> LeaveOut:
    """Approve or reject a pending leave. Approving re-checks overlap with the resident's approved leaves."""
    actor.require("warden", "admin")
    leave = await repository.get(session, leave_id)
    if leave is None:
        raise NotFound("This leave does not exist.")
    if not actor.can_see_mess(leave.mess_id):
        raise Forbidden("this leave belongs to another mess", ErrorCode.WRONG_MESS)
    await repository.lock_resident(session, leave.resident_id)
    await session.refresh(leave)
    if leave.status != "pending":
        raise Conflict(f"This leave is already {leave.status}.", ErrorCode.LEAVE_NOT_PENDING)
    if approve:
        clash = await repository.overlapping(
            session, leave.resident_id, leave.start_date, leave.end_date, ("approved",), exclude_id=leave.id
        )
        if clash is not None:
            raise Conflict(
                f"This overlaps the approved leave {text.span(clash.start_date, clash.end_date)}",
                ErrorCode.LEAVE_OVERLAP,
            )
    leave.status = "approved" if approve else "rejected"
    leave.decided_at = now
    leave.decided_by = actor.user_id
    leave.note = (note or "").strip() or None  # the warden's word to the resident, shown with the decision
    await session.flush()
    await notify.leave_decided(session, await load_mess(session, leave.mess_id), leave, now)
    await audit(
        session,
        actor=actor,
        mess_id=leave.mess_id,
        action="leave.approve" if approve else "leave.reject",
        entity="leave",
        entity_id=leave.id,
        now=now,
        reason=reason,
        detail={"resident_id": leave.resident_id, "start": leave.start_date, "end": leave.end_date},
    )
    return LeaveOut.model_validate(leave)


async def withdraw(session: AsyncSession, actor: Actor, leave_id: int, now: datetime) -> LeaveOut:
    """The resident takes back their own leave: pending, or approved while its first meal is still open."""
    actor.require("resident")
    leave = await repository.get(session, leave_id)
    if leave is None or leave.resident_id != actor.resident_id:
        raise NotFound("This leave does not exist.")
    await repository.lock_resident(session, leave.resident_id)
    await session.refresh(leave)
    mess = await load_mess(session, leave.mess_id)
    today = text.today_at(now, mess.timezone)
    if leave.status not in ACTIVE_STATUSES:
        raise Conflict(f"This leave is already {leave.status}.", ErrorCode.LEAVE_NOT_PENDING)
    if leave.status == "approved":
        closes = await application_deadline(session, mess, leave.start_date)
        if now >= closes:
            raise Conflict(
                f"This leave started to count at {text.moment(closes, mess.timezone, today)}; "
                "ask the warden to change it",
                ErrorCode.CUTOFF_PASSED,
            )
    was = leave.status
    leave.status = "withdrawn"
    await session.flush()
    await audit(
        session,
        actor=actor,
        mess_id=leave.mess_id,
        action="leave.withdraw",
        entity="leave",
        entity_id=leave.id,
        now=now,
        reason="",
        detail={"resident_id": leave.resident_id, "start": leave.start_date, "end": leave.end_date, "was": was},
    )
    return LeaveOut.model_validate(leave)
