"""Monthly billing rules: who may bill which month, building the month's bills, issuing them (docs/billing.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.auth.actor import Actor
from mess.billing import repository
from mess.billing.lines import MonthScope, correction_lines, own_lines
from mess.billing.schemas import BillLineOut, BillOut, MonthSummaryOut, RunOut
from mess.billing.status import billed_months
from mess.billing.wording import PaymentRequest, bill_reference, line_words, payment_request
from mess.errors import Conflict, ErrorCode, NotFound
from mess.kit.dates import check_month, local_today, month_bounds, previous_month, zone
from mess.kit.spreadsheet import csv_text
from mess.messes.service import load_mess
from mess.models import Bill, BillingRun, Mess
from mess.notifications import events as notify
from mess.residents import repository as residents
from mess.residents.service import listing_scope, load_resident

Progress = Callable[[int, int], Awaitable[None]]


def ensure_month_ended(mess: Mess, month: str, now: datetime) -> None:
    last_day = month_bounds(month)[1]
    today = local_today(now, mess.timezone)
    if today <= last_day:
        raise Conflict(
            f"{text.month(month)} has not ended yet (today is {text.day(today, today)} at the mess); "
            "a month can be billed from its next day on",
            ErrorCode.MONTH_NOT_ENDED,
        )


async def ensure_not_issued(session: AsyncSession, mess: Mess, month: str) -> None:
    if await repository.month_is_issued(session, mess.id, month):
        raise Conflict(
            f"the bills of {month} are issued; a run changes nothing. Corrections appear on the next month's bill",
            ErrorCode.ALREADY_ISSUED,
        )


@dataclass(frozen=True)
class MonthResult:
    status: str  # "billed" or "already_issued"
    bill_count: int
    amount: int
    residents: int


async def request_run(
    session: AsyncSession, actor: Actor, month: str, now: datetime, mess_id: int | None
) -> BillingRun:
    """A warden asks for a run: checked now, so the answer is immediate; the work runs on a worker."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    check_month(month)
    ensure_month_ended(mess, month, now)
    await ensure_not_issued(session, mess, month)
    run = BillingRun(mess_id=mess.id, month=month, status="queued", created_at=now, created_by=actor.user_id or None)
    session.add(run)
    await session.flush()
    return run


async def check_prices(session: AsyncSession, scope: MonthScope) -> None:
    """Refuse to bill a meal that has no price in force rather than silently charging nothing for it."""
    for day, slot_code in (await session.execute(repository.no_price_days(scope))).all():
        if await repository.booked_meals_on(session, scope, day, slot_code):
            raise Conflict(
                f"{slot_code} on {text.day(day)} has booked meals but no price; add a price "
                "that starts on or before that day",
                ErrorCode.NO_PRICE,
            )


async def bill_month(
    session: AsyncSession,
    mess: Mess,
    month: str,
    *,
    run_id: int | None,
    now: datetime,
    batch_size: int,
    progress: Progress | None = None,
) -> MonthResult:
    """Replace the month's draft bills with freshly computed ones, inside the caller's transaction.

    The caller's transaction must begin with a write (the run row) so that on SQLite it holds the write lock;
    on PostgreSQL the advisory lock below serialises runs and issuing of the same (mess, month). Either way two
    runs at once produce one set of bills, and the unique (resident, month) constraint backs that up.
    """
    await repository.lock_month(session, mess.id, month)
    if await repository.month_is_issued(session, mess.id, month):
        count, amount = await repository.month_summary(session, mess.id, month)
        return MonthResult("already_issued", count, amount, 0)
    dialect = session.get_bind().dialect.name
    slices = await repository.resident_id_slices(session, mess.id, batch_size)
    whole = MonthScope(mess.id, month, mess.booking_mode == "opt_out", mess.min_rebate_days, 0, 2**62)
    await check_prices(session, whole)
    correct_previous = await repository.month_is_issued(session, mess.id, previous_month(month))
    await repository.delete_drafts(session, mess.id, month)
    await repository.open_staging(session)
    total, done = sum(size for *_, size in slices), 0
    for first_id, last_id, size in slices:
        scope = MonthScope(mess.id, month, whole.default_booked, whole.min_rebate_days, first_id, last_id)
        # Lines first (computed once, into a scratch table), then the bills with their totals, then the lines.
        await repository.stage_lines(session, own_lines(scope, dialect))
        if correct_previous:
            await repository.stage_lines(session, correction_lines(scope, dialect))
        await repository.insert_bills(session, scope, run_id, now, correct_previous)
        await repository.insert_lines(session, scope)
        done += size
        if progress is not None:
            await progress(done, total)
    await repository.close_staging(session)
    await session.flush()
    count, amount = await repository.month_summary(session, mess.id, month)
    return MonthResult("billed", count, amount, total)


async def issue_month(
    session: AsyncSession,
    actor: Actor,
    month: str,
    now: datetime,
    mess_id: int | None,
    expected_total: int | None = None,
) -> dict[str, object]:
    """Lock the month's drafts and post them. With expected_total (what the warden confirmed) a different draft
    total is refused (409 total_changed): a run finished in between, and the warden has not seen its bills."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    check_month(month)
    # The run's first write on SQLite / advisory lock on PostgreSQL: no run can interleave with issuing.
    await repository.lock_month(session, mess.id, month)
    await ensure_not_issued(session, mess, month)
    if expected_total is not None:
        count, amount = await repository.month_summary(session, mess.id, month)
        if amount != expected_total:
            raise Conflict(
                f"the bills of {text.month(month)} changed since you looked: now {text.count(count, 'bill')}, "
                f"{text.money(amount, mess.currency)} in all (you confirmed "
                f"{text.money(expected_total, mess.currency)}). Review them and confirm again",
                ErrorCode.TOTAL_CHANGED,
            )
    today = local_today(now, mess.timezone)
    due = today + timedelta(days=mess.payment_due_days)
    issued = await repository.issue_month(session, mess.id, month, today, now, actor.user_id or None, due)
    if issued == 0:
        await ensure_not_issued(session, mess, month)  # a concurrent issue won the race
        raise Conflict(f"{month} has no draft bills to issue; run billing for it first", ErrorCode.NOTHING_TO_ISSUE)
    await notify.bill_issued(session, mess, month, now)
    count, amount = await repository.month_summary(session, mess.id, month)
    return {"month": month, "status": "issued", "bill_count": count, "amount": amount, "due_date": due}


async def month_summary(session: AsyncSession, actor: Actor, month: str, mess_id: int | None) -> MonthSummaryOut:
    """What issuing would lock: the month's bill count and total (the confirmation shows them), and the previous
    issued month's total for comparison."""
    actor.require("warden", "admin")
    mess = await load_mess(session, actor.mess_for(mess_id))
    check_month(month)
    count, total = await repository.month_summary(session, mess.id, month)
    issued = await repository.month_is_issued(session, mess.id, month)
    earlier = await billed_months(session, mess.id, "0001-01", previous_month(month))
    last_issued = max((m for m, is_issued in earlier.items() if is_issued), default=None)
    previous_total = None
    if last_issued is not None:
        previous_total = (await repository.month_summary(session, mess.id, last_issued))[1]
    return MonthSummaryOut(
        month=month,
        bills=count,
        total=total,
        issued=issued,
        previous_issued_month=last_issued,
        previous_issued_total=previous_total,
    )


# --- reading -----------------------------------------------------------------------------------------------


def run_out(run: BillingRun) -> RunOut:
    return RunOut.model_validate(run)


async def get_run(session: AsyncSession, actor: Actor, run_id: int) -> RunOut:
    actor.require("warden", "admin")
    run = await repository.get_run(session, run_id)
    if run is None or not actor.can_see_mess(run.mess_id):
        raise NotFound("This billing run does not exist.")
    return run_out(run)


async def list_runs(session: AsyncSession, actor: Actor, month: str | None, mess_id: int | None) -> list[RunOut]:
    actor.require("warden", "admin")
    target = actor.mess_for(mess_id)
    if month:
        check_month(month)
    return [run_out(run) for run in await repository.list_runs(session, target, month)]


async def _with_lines(session: AsyncSession, bills: list[Bill]) -> list[BillOut]:
    lines = await repository.lines_of(session, [bill.id for bill in bills])
    by_bill: dict[int, list[BillLineOut]] = {}
    for line in lines:
        by_bill.setdefault(line.bill_id, []).append(BillLineOut.model_validate(line))
    out = []
    for bill in bills:
        item = BillOut.model_validate(bill)
        item.lines = by_bill.get(bill.id, [])
        out.append(item)
    return out


async def list_bills(
    session: AsyncSession, actor: Actor, month: str, resident_id: int | None, mess_id: int | None
) -> list[BillOut]:
    check_month(month)
    if actor.is_resident:
        # Another resident's bills are "not found": a resident learns nothing about them, not even that they exist.
        resident = await load_resident(session, actor, resident_id or actor.resident_id or 0)
        target, resident_id = resident.mess_id, resident.id
    else:
        actor.require("warden", "admin")  # money is the warden's business, not the counter's
        target, resident_id = await listing_scope(session, actor, resident_id, mess_id)
    return await _with_lines(session, await repository.list_bills(session, target, month, resident_id))


async def get_bill(session: AsyncSession, actor: Actor, bill_id: int) -> BillOut:
    bill = await repository.get_bill(session, bill_id)
    visible = bill is not None and (
        actor.resident_id == bill.resident_id
        if actor.is_resident
        else actor.is_manager and actor.can_see_mess(bill.mess_id)
    )
    if bill is None or not visible:
        # A resident learns nothing about other residents' bills, not even that they exist.
        raise NotFound("This bill does not exist.")
    return (await _with_lines(session, [bill]))[0]


@dataclass(frozen=True)
class BillView:
    """A bill with what a resident reads beside it: the mess, whose bill it is, and how to pay it."""

    bill: BillOut
    mess: Mess
    resident_name: str
    roll_no: str
    payment: PaymentRequest | None


async def bill_view(session: AsyncSession, actor: Actor, bill_id: int) -> BillView:
    bill = await get_bill(session, actor, bill_id)
    mess = await load_mess(session, bill.mess_id)
    resident = await residents.get(session, bill.resident_id)
    if resident is None:  # a bill's resident is kept by a foreign key; say so rather than crash on None
        raise NotFound("The resident of this bill no longer exists.", ErrorCode.UNKNOWN_RESIDENT)
    reference = bill_reference(mess.code, bill.month, resident.roll_no)
    payment = payment_request(mess, bill.status, bill.total, bill.due_date, reference)
    return BillView(bill, mess, resident.name, resident.roll_no, payment)


async def bill_pdf(session: AsyncSession, actor: Actor, bill_id: int) -> tuple[str, bytes]:
    from mess.billing.pdf import render_bill

    view = await bill_view(session, actor, bill_id)
    content = render_bill(
        view.bill, mess=view.mess, resident_name=view.resident_name, roll_no=view.roll_no, payment=view.payment
    )
    return f"bill-{view.bill.month}-{view.roll_no}.pdf", content


EXPORT_COLUMNS = [
    "bill_id",
    "month",
    "status",
    "roll_no",
    "name",
    "kind",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "bill_total",
    "item",
    "unit_price_shown",
    "amount_shown",
    "bill_total_shown",
    "due_date",
]


async def export_csv(session: AsyncSession, actor: Actor, month: str, mess_id: int | None) -> str:
    """The month's bills as CSV, one row per bill line (a bill without lines is one row with empty line fields):
    the amounts in minor units for programs, and beside them the line in words and the amounts as people read
    them (currency and separators)."""
    actor.require("warden", "admin")
    check_month(month)
    mess = await load_mess(session, actor.mess_for(mess_id))
    due = await repository.due_dates(session, mess.id, month)
    rows = []
    for row in await repository.export_rows(session, mess.id, month):
        bill_id, _month, _status, _roll, _name, kind, description, quantity, unit_price, amount, total = row
        words = ""
        if kind is not None:
            line = BillLineOut(
                kind=kind,
                description=description,
                slot_id=None,
                item_id=None,
                quantity=quantity,
                unit_price=unit_price,
                amount=amount,
            )
            words = line_words(line, month, mess.currency)
        shown = [text.money(v, mess.currency) if v is not None else "" for v in (unit_price, amount, total)]
        rows.append([*row, words, *shown, due.get(bill_id) or ""])
    return csv_text(EXPORT_COLUMNS, rows)


SCHEDULED_AT_HOUR = 2  # local time on the 1st
SCHEDULED_RETRIES = 3
RETRY_AFTER = timedelta(hours=1)


def due_month(mess: Mess, now: datetime) -> str | None:
    """The month the schedule should bill now: the previous one, from 02:00 local time on the 1st."""
    local = now.astimezone(zone(mess.timezone))
    if local.hour < SCHEDULED_AT_HOUR and local.day == 1:
        return None
    month = previous_month(f"{local.year:04d}-{local.month:02d}")
    if local_today(mess.created_at, mess.timezone) > month_bounds(month)[1]:
        return None  # the mess did not exist in that month
    return month


async def schedule_run(session: AsyncSession, mess: Mess, now: datetime) -> BillingRun | None:
    """Create the scheduled run of a mess if it is due and not done: idempotent, so beat may tick any number of
    times. A failed run is retried (at most SCHEDULED_RETRIES runs in all, an hour apart); issued months never."""
    month = due_month(mess, now)
    if month is None:
        return None
    await repository.lock_month(session, mess.id, month)
    if await repository.month_is_issued(session, mess.id, month):
        return None
    runs = await repository.list_runs(session, mess.id, month)
    if runs:
        latest = runs[0]
        if latest.status != "failed" or len(runs) >= SCHEDULED_RETRIES or now - latest.created_at < RETRY_AFTER:
            return None
    run = BillingRun(mess_id=mess.id, month=month, status="queued", created_at=now, message="scheduled")
    session.add(run)
    await session.flush()
    return run
