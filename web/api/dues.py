"""Dues (PRODUCT 7.2): who owes the mess, largest first; the list as CSV; one reminder email to all who owe."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Query, Request, Response

from mess.dues import service
from mess.dues.schemas import DueOut, RemindersOut
from web.api import api_router
from web.api.params import IdQuery, Offset
from web.deps import ActorDep, NowDep, SessionDep
from web.mailing import send_after_response
from web.openapi import MESS, ROLE, errors

router = api_router(tags=["dues"])


@router.get("/dues", response_model=list[DueOut], responses=errors(ROLE, MESS))
async def list_dues(
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    mess_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[DueOut]:
    rows, total = await service.list_dues(session, actor, mess_id, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return rows


@router.get(
    "/dues/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}, **errors(ROLE, MESS)}
)
async def export_dues(session: SessionDep, actor: ActorDep, mess_id: IdQuery = None) -> Response:
    filename, content = await service.dues_csv(session, actor, mess_id)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/dues/reminders", response_model=RemindersOut, responses=errors(ROLE, MESS))
async def remind(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    mess_id: IdQuery = None,
) -> RemindersOut:
    """Email every resident who owes, once per call; the mails leave after the audit entry is committed."""
    out, mails = await service.remind_debtors(session, actor, mess_id, now)
    send_after_response(background, request, mails)
    return out
