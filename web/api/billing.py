"""Monthly billing: runs (on the workers), issuing, bills, the printable PDF and the CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from fastapi.responses import Response

from mess.billing import dispatch, estimate, service
from mess.billing.schemas import (
    MONTH_PATTERN,
    BillEstimateOut,
    BillOut,
    IssueIn,
    IssueOut,
    MonthSummaryOut,
    RunAccepted,
    RunIn,
    RunOut,
)
from web.api import api_router
from web.api.params import IdPath, IdQuery
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.openapi import LISTING, MESS, MESS_FOR, ROLE, TARGET, E, errors

router = api_router(tags=["billing"])

Month = Annotated[str, Path(pattern=MONTH_PATTERN, description="YYYY-MM")]
MonthQuery = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]
ESTIMATE = (*ROLE, E.INVALID_INPUT, *TARGET, E.NOT_FOUND)


@router.post(
    "/billing/runs",
    status_code=202,
    response_model=RunAccepted,
    responses=errors(ROLE, MESS, E.INVALID_INPUT, E.MONTH_NOT_ENDED, E.ALREADY_ISSUED, E.BROKER_UNAVAILABLE),
)
async def start_run(
    body: RunIn, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> RunAccepted:
    run = await dispatch.start_run(session, actor, body.month, now, body.mess_id, settings)
    return RunAccepted(id=run.id, status=run.status)


@router.get("/billing/runs", response_model=list[RunOut], responses=errors(ROLE, MESS_FOR))
async def list_runs(
    session: SessionDep, actor: ActorDep, month: MonthQuery | None = None, mess_id: IdQuery = None
) -> list[RunOut]:
    return await service.list_runs(session, actor, month, mess_id)


@router.get("/billing/runs/{run_id}", response_model=RunOut, responses=errors(ROLE, E.NOT_FOUND))
async def get_run(run_id: IdPath, session: SessionDep, actor: ActorDep) -> RunOut:
    return await service.get_run(session, actor, run_id)


@router.get("/billing/{month}/summary", response_model=MonthSummaryOut, responses=errors(ROLE, MESS, E.INVALID_INPUT))
async def summary(month: Month, session: SessionDep, actor: ActorDep, mess_id: IdQuery = None) -> MonthSummaryOut:
    """What issuing would lock: the bill count and total (a page confirms them before issuing)."""
    return await service.month_summary(session, actor, month, mess_id)


@router.post(
    "/billing/{month}/issue",
    response_model=IssueOut,
    responses=errors(ROLE, MESS, E.INVALID_INPUT, E.ALREADY_ISSUED, E.NOTHING_TO_ISSUE, E.TOTAL_CHANGED),
)
async def issue(
    month: Month,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    body: IssueIn | None = None,
    mess_id: IdQuery = None,
) -> IssueOut:
    expected = body.expected_total if body is not None else None
    return IssueOut.model_validate(await service.issue_month(session, actor, month, now, mess_id, expected))


@router.get("/bills", response_model=list[BillOut], responses=errors(ROLE, E.INVALID_INPUT, LISTING))
async def list_bills(
    session: SessionDep,
    actor: ActorDep,
    month: MonthQuery,
    resident_id: IdQuery = None,
    mess_id: IdQuery = None,
) -> list[BillOut]:
    return await service.list_bills(session, actor, month, resident_id, mess_id)


@router.get(
    "/bills/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(ROLE, E.INVALID_INPUT, MESS)},
)
async def export(session: SessionDep, actor: ActorDep, month: MonthQuery, mess_id: IdQuery = None) -> Response:
    content = await service.export_csv(session, actor, month, mess_id)
    headers = {"Content-Disposition": f'attachment; filename="bills-{month}.csv"'}
    return Response(content, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/bills/estimate", response_model=BillEstimateOut, responses=errors(ESTIMATE))
async def bill_estimate(
    session: SessionDep, actor: ActorDep, now: NowDep, month: MonthQuery, resident_id: IdQuery = None
) -> BillEstimateOut:
    """The month so far by the billing rules, over its days that have ended; never stored."""
    return await estimate.estimate(session, actor, month, resident_id, now)


@router.get("/bills/{bill_id}", response_model=BillOut, responses=errors(E.NOT_FOUND))
async def get_bill(bill_id: IdPath, session: SessionDep, actor: ActorDep) -> BillOut:
    return await service.get_bill(session, actor, bill_id)


@router.get(
    "/bills/{bill_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **errors(E.NOT_FOUND)},
)
async def bill_pdf(bill_id: IdPath, session: SessionDep, actor: ActorDep) -> Response:
    filename, content = await service.bill_pdf(session, actor, bill_id)
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
