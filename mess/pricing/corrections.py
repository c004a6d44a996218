"""What a correction of an effective-dated row (a price, a fixed charge) changes, and whether it may.

A correction changes the row in force on some days. Those days are found by comparing the timeline before and
after (exact, also when a row moves past its neighbours); every month they touch is named, and a touched month
whose bills are issued refuses the change: an issued bill is never altered (409 already_issued).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mess import text
from mess.billing.repository import lock_month
from mess.billing.status import billed_months
from mess.errors import Conflict, ErrorCode
from mess.kit.dates import month_of, next_month
from mess.residents.repository import earliest_active_from

Timeline = Sequence[tuple[date, Hashable]]  # (effective_from, what is charged from then on)


@dataclass(frozen=True)
class Span:
    start: date
    end: date | None  # None: from start on, with no end


def _value_on(rows: Timeline, day: date) -> Hashable | None:
    best: tuple[date, Hashable] | None = None
    for effective_from, value in rows:
        if effective_from <= day and (best is None or effective_from > best[0]):
            best = (effective_from, value)
    return None if best is None else best[1]


def changed_spans(before: Timeline, after: Timeline) -> list[Span]:
    """The days on which the row in force differs between two timelines, as spans."""
    points = sorted({d for d, _ in before} | {d for d, _ in after})
    spans: list[Span] = []
    for index, start in enumerate(points):
        end = points[index + 1] - timedelta(days=1) if index + 1 < len(points) else None
        if _value_on(before, start) == _value_on(after, start):
            continue
        if spans and spans[-1].end is not None and spans[-1].end + timedelta(days=1) == start:
            spans[-1] = Span(spans[-1].start, end)
        else:
            spans.append(Span(start, end))
    return spans


@dataclass(frozen=True)
class Impact:
    """The months a correction touches (up to the current month), and which of them already have draft bills."""

    months: list[str]
    drafts: list[str]

    def describe(self) -> str:
        if not self.months:
            return "It changes no bill."
        named = ", ".join(text.month(m) for m in self.months)
        if not self.drafts:
            return f"It changes the bills of {named} (none made yet)."
        drafts = ", ".join(text.month(m) for m in self.drafts)
        return f"It changes the bills of {named}; run billing again for {drafts} (draft bills)."


def _months(span: Span, until: str) -> list[str]:
    last = min(month_of(span.end), until) if span.end is not None else until
    out, month = [], month_of(span.start)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


async def check_correction(
    session: AsyncSession,
    mess_id: int,
    before: Timeline,
    after: Timeline,
    today: date,
    what: str,
    lock: bool = False,
) -> Impact:
    """Refuse when an issued month would change; else say which months change (409 already_issued names it).

    With lock (a correction about to be applied), each touched month's billing lock is taken first, in month
    order: a month cannot be issued (or billed) between this check and the correction's commit. An issue that
    committed first makes the check refuse; one that starts later waits for the correction."""
    spans = changed_spans(before, after)
    current = month_of(today)
    if lock:
        # Only a month with residents can have bills to issue: a row dated in 1900 locks from the first resident's
        # month, not one lock per month since 1900 (which exhausted PostgreSQL's lock table: found by the fuzz).
        first = await earliest_active_from(session, mess_id)
        touched = {m for span in spans for m in _months(span, current)}
        for month in sorted(m for m in touched if first is not None and m >= month_of(first)):
            await lock_month(session, mess_id, month)
    for span in spans:
        last = month_of(span.end) if span.end is not None else None
        issued = [
            m
            for m, is_issued in (await billed_months(session, mess_id, month_of(span.start), last)).items()
            if is_issued
        ]
        if issued:
            raise Conflict(
                f"{text.month(issued[0])} is issued: this change to {what} would alter its bills. "
                "An issued bill is never changed; record an adjustment on the resident's next bill instead",
                ErrorCode.ALREADY_ISSUED,
            )
    months = sorted({m for span in spans for m in _months(span, current)})
    drafts = []
    if months:
        billed = await billed_months(session, mess_id, months[0], months[-1])
        drafts = [m for m in months if m in billed]
    return Impact(months, drafts)
