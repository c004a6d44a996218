"""Reports for wardens (own mess) and admins (any mess): the same queries the Streamlit analytics app shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from mess.reports.consumption import ConsumptionReport, consumption_report
from mess.reports.costs import CostReport, cost_report
from mess.reports.forecast import ForecastReport, forecast_report, parse_events
from mess.reports.noshows import NoShowReport, no_show_report
from mess.reports.overview import OverviewReport, overview_report
from mess.reports.ratings import RatingReport, rating_report
from mess.reports.scope import ReportParams
from mess.reports.waste import WasteReport, waste_report
from web.api import api_router
from web.api.params import MAX_ID, Day
from web.deps import ActorDep, NowDep, ReadSessionDep
from web.openapi import MESS, ROLE, SLOT, E, errors

router = api_router("/reports", tags=["reports"])


def report_params(
    from_: Annotated[Day | None, Query(alias="from", description="first day (default: 30 days to 'to')")] = None,
    to: Annotated[Day | None, Query(description="last day (default: the mess's today)")] = None,
    slot: Annotated[str | None, Query(min_length=1, max_length=32, description="one slot code")] = None,
    mess_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="admins: the mess")] = None,
) -> ReportParams:
    return ReportParams(start=from_, end=to, slot=slot, mess_id=mess_id)


Params = Annotated[ReportParams, Depends(report_params)]
# resolve_scope: wardens and admins only, the mess named or own, dates within bounds and in order, a known slot.
REPORT = (*ROLE, *MESS, E.INVALID_INPUT, *SLOT)


@router.get("/overview", response_model=OverviewReport, responses=errors(REPORT))
async def overview(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> OverviewReport:
    return await overview_report(session, actor, params, now)


@router.get("/consumption", response_model=ConsumptionReport, responses=errors(REPORT))
async def consumption(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> ConsumptionReport:
    return await consumption_report(session, actor, params, now)


@router.get("/no-shows", response_model=NoShowReport, responses=errors(REPORT))
async def no_shows(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> NoShowReport:
    return await no_show_report(session, actor, params, now)


@router.get("/costs", response_model=CostReport, responses=errors(REPORT))
async def costs(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> CostReport:
    return await cost_report(session, actor, params, now)


@router.get("/waste", response_model=WasteReport, responses=errors(REPORT))
async def waste(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> WasteReport:
    return await waste_report(session, actor, params, now)


@router.get("/ratings", response_model=RatingReport, responses=errors(REPORT))
async def ratings(session: ReadSessionDep, actor: ActorDep, now: NowDep, params: Params) -> RatingReport:
    return await rating_report(session, actor, params, now)


@router.get("/forecast", response_model=ForecastReport, responses=errors(REPORT))
async def forecast(
    session: ReadSessionDep,
    actor: ActorDep,
    now: NowDep,
    params: Params,
    holiday: Annotated[list[Day], Query(description="known holidays (repeat the parameter)")] = [],  # noqa: B006
    exam: Annotated[list[Day], Query(description="known exam days (repeat the parameter)")] = [],  # noqa: B006
) -> ForecastReport:
    """The next 7 days from the day after 'to' (default: from today); 'from' is ignored."""
    return await forecast_report(session, actor, params, now, parse_events(holiday, exam))
