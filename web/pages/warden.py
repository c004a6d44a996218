"""The warden's desk: the leave approval queue and monthly billing (start a run, watch it, review, issue)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Form, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from mess import text
from mess.auth.actor import Actor
from mess.billing import service as billing
from mess.billing.dispatch import start_run as start_billing_run
from mess.errors import InvalidInput
from mess.kit.dates import MONTH_PATTERN, check_month, local_today, month_bounds, month_of, previous_month
from mess.leaves import service as leaves
from mess.models import Mess
from mess.residents import service as residents
from web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from web.pages.deps import WardenMess
from web.pages.forms import Outcome, submit
from web.pages.rendering import is_htmx, page_router, redirect, render, render_fragment

router = page_router(tags=["pages"])
Month = Annotated[str, Path(pattern=MONTH_PATTERN)]


async def resident_names(session: AsyncSession, actor: Actor) -> dict[int, Any]:
    return {r.id: r for r in await residents.list_residents(session, actor, None, None, 1000, 0)}


@router.get("/warden")
async def home(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess, now: NowDep) -> Response:
    pending = await leaves.list_leaves(
        session, actor, status="pending", resident_id=None, start=None, end=None, mess_id=None, limit=500, offset=0
    )
    context = {"mess": mess, "pending": len(pending), "today": local_today(now, mess.timezone)}
    return render(request, "warden/home.html", context, actor=actor)


# --- leave approval queue ---------------------------------------------------------------------------------------


async def _leaves_page(request: Request, session: AsyncSession, actor: Actor, mess: Mess, **extra: Any) -> Response:
    pending = await leaves.list_leaves(
        session, actor, status="pending", resident_id=None, start=None, end=None, mess_id=None, limit=200, offset=0
    )
    decided = [
        leave
        for leave in await leaves.list_leaves(
            session, actor, status=None, resident_id=None, start=None, end=None, mess_id=None, limit=40, offset=0
        )
        if leave.status != "pending"
    ]
    context = {
        "mess": mess,
        "pending": pending,
        "decided": decided,
        "names": await resident_names(session, actor),
        **extra,
    }
    return render(request, "warden/leaves.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/leaves")
async def leave_queue(request: Request, session: SessionDep, actor: ActorDep, mess: WardenMess) -> Response:
    return await _leaves_page(request, session, actor, mess)


@router.post("/warden/leaves/{leave_id}")
async def decide_leave(
    request: Request,
    leave_id: int,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    decision: Annotated[str, Form(pattern=r"^(approve|reject)$")],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    async def action() -> str:
        approve = decision == "approve"
        # the page's one note is both the audit's reason and the word the resident reads with the decision
        leave = await leaves.decide(session, actor, leave_id, approve=approve, reason=reason, now=now, note=reason)
        return f"Leave {text.span(leave.start_date, leave.end_date)} {leave.status}."

    async def page(shown: Outcome) -> Response:
        return await _leaves_page(request, session, actor, mess, **shown.context)

    return await submit(request, session, action, page, back="/warden/leaves")


# --- billing ----------------------------------------------------------------------------------------------------


async def _billing_page(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    mess: Mess,
    now: dt.datetime,
    month: str | None,
    **extra: Any,
) -> Response:
    # The month to bill by default is the last one that has ended.
    chosen = check_month(month) if month else previous_month(month_of(local_today(now, mess.timezone)))
    runs = await billing.list_runs(session, actor, chosen, None)
    bills = await billing.list_bills(session, actor, chosen, None, None)
    summary = await billing.month_summary(session, actor, chosen, None)
    ended = month_bounds(chosen)[1] < local_today(now, mess.timezone)
    context = {
        "summary": summary,
        # "Start billing run" only where it can run: the month has ended and is not issued.
        "can_run": ended and not summary.issued,
        "ended": ended,
        "confirming": request.query_params.get("confirm") == "issue",
        "mess": mess,
        "month": chosen,
        "runs": runs[:5],
        "bills": bills,
        "names": await resident_names(session, actor),
        "total": sum(bill.total for bill in bills),
        "drafts": sum(1 for bill in bills if bill.status == "draft"),
        **extra,
    }
    return render(request, "warden/billing.html", context, actor=actor, status_code=extra.get("status_code", 200))


@router.get("/warden/billing")
async def billing_page(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    return await _billing_page(request, session, actor, mess, now, month)


@router.post("/warden/billing/runs")
async def start_run(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    settings: SettingsDep,
    month: Annotated[str, Form(max_length=7)] = "",
) -> Response:
    async def action() -> str:
        run = await start_billing_run(session, actor, check_month(month), now, None, settings)
        return f"Billing run for {run.month} queued; this page follows its progress."

    async def page(shown: Outcome) -> Response:
        return await _billing_page(request, session, actor, mess, now, month or None, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/billing?month={month}")


@router.get("/warden/billing/runs/{run_id}")
async def run_progress(
    request: Request, run_id: int, session: SessionDep, actor: ActorDep, mess: WardenMess
) -> Response:
    """Polled by the billing page every 2 s while the run is queued or running; says when it finished."""
    run = await billing.get_run(session, actor, run_id)
    headers = {}
    if run.status in ("succeeded", "failed") and request.headers.get("hx-request") == "true":
        headers["HX-Trigger"] = "billing-finished"
    if is_htmx(request):
        response = render_fragment(request, "warden/_run.html", {"mess": mess, "run": run}, actor=actor)
        response.headers.update(headers)
        return response
    return redirect(request, f"/warden/billing?month={run.month}")


@router.post("/warden/billing/{month}/issue")
async def issue_month(
    request: Request,
    month: Month,
    session: SessionDep,
    actor: ActorDep,
    mess: WardenMess,
    now: NowDep,
    expected_total: Annotated[str, Form(max_length=24)] = "",
) -> Response:
    async def action() -> str:
        if not expected_total.lstrip("-").isdigit():
            raise InvalidInput("confirm the number of bills and the total before issuing")
        result = await billing.issue_month(session, actor, month, now, None, int(expected_total))
        return (
            f"Issued {result['bill_count']} bills of {text.month(month)}; they are now on the residents' accounts"
            f" and due by {text.day(result['due_date'])}."  # type: ignore[arg-type]
        )

    async def page(shown: Outcome) -> Response:
        return await _billing_page(request, session, actor, mess, now, month, **shown.context)

    return await submit(request, session, action, page, back=f"/warden/billing?month={month}")
