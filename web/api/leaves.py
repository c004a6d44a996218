from __future__ import annotations

from typing import Annotated

from fastapi import Body, Path, Query, status

from mess.leaves import service
from mess.leaves.schemas import MAX_ID, LeaveDecision, LeaveIn, LeaveOut, LeaveStatus
from web.api import api_router
from web.api.params import Day, IdQuery, Limit, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.openapi import LISTING, RANGE, ROLE, TARGET, E, errors

router = api_router(tags=["leaves"])

LeaveId = Annotated[int, Path(ge=1, le=MAX_ID)]
DECISION = (*ROLE, E.NOT_FOUND, E.WRONG_MESS, E.LEAVE_NOT_PENDING, E.LEAVE_OVERLAP)


@router.post(
    "/leaves",
    response_model=LeaveOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(ROLE, TARGET, E.NOT_FOUND, E.NOT_RESIDENT, E.CUTOFF_PASSED, E.LEAVE_OVERLAP, E.DATE_OUT_OF_RANGE),
)
async def apply_for_leave(data: LeaveIn, session: SessionDep, actor: ActorDep, now: NowDep) -> LeaveOut:
    return await service.apply_for_leave(session, actor, data, now)


@router.get("/leaves", response_model=list[LeaveOut], responses=errors(RANGE, LISTING))
async def list_leaves(
    session: SessionDep,
    actor: ActorDep,
    status: LeaveStatus | None = None,
    resident_id: IdQuery = None,
    from_: Annotated[Day | None, Query(alias="from", description="leaves ending on or after")] = None,
    to: Annotated[Day | None, Query(description="leaves starting on or before")] = None,
    mess_id: IdQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[LeaveOut]:
    return await service.list_leaves(
        session,
        actor,
        status=status,
        resident_id=resident_id,
        start=from_,
        end=to,
        mess_id=mess_id,
        limit=limit,
        offset=offset,
    )


@router.post("/leaves/{leave_id}/approve", response_model=LeaveOut, responses=errors(DECISION))
async def approve(
    leave_id: LeaveId,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    body: Annotated[LeaveDecision | None, Body()] = None,
) -> LeaveOut:
    reason, note = (body.reason, body.note) if body else ("", None)
    return await service.decide(session, actor, leave_id, approve=True, reason=reason, now=now, note=note)


@router.post("/leaves/{leave_id}/reject", response_model=LeaveOut, responses=errors(DECISION))
async def reject(
    leave_id: LeaveId,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    body: Annotated[LeaveDecision | None, Body()] = None,
) -> LeaveOut:
    reason, note = (body.reason, body.note) if body else ("", None)
    return await service.decide(session, actor, leave_id, approve=False, reason=reason, now=now, note=note)


@router.post(
    "/leaves/{leave_id}/withdraw",
    response_model=LeaveOut,
    responses=errors(ROLE, E.NOT_FOUND, E.LEAVE_NOT_PENDING, E.CUTOFF_PASSED),
)
async def withdraw(leave_id: LeaveId, session: SessionDep, actor: ActorDep, now: NowDep) -> LeaveOut:
    """The resident's own leave: pending, or approved and not yet past its first meal's cutoff."""
    return await service.withdraw(session, actor, leave_id, now)
