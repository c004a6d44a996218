"""Resident import: upsert a mess's residents by roll number from the hostel office's CSV, all or nothing.

Set-based: the existing residents and logins are read in a few chunked queries, every row is classified in
Python, then the new accounts and residents are inserted and the changed ones updated in batches (no round trip
per row). Any bad row -> ImportInvalid with the whole report, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mess.auth.actor import Actor
from mess.errors import ErrorCode, InvalidInput, TooLarge
from mess.kit.dates import local_today
from mess.messes.service import load_mess
from mess.residents import csv_rows, repository
from mess.residents.csv_rows import CsvRow
from mess.residents.schemas import ImportProblem, ImportReport

# Compared to decide "updated" or "unchanged"; a column absent from the file leaves the field alone.
FIELDS = ("name", "email", "diet", "active_from", "active_to", "room", "phone", "allergens")


@dataclass
class ImportOutcome:
    report: ImportReport
    created_user_ids: list[int]  # whom to invite when asked


def too_large(message: str) -> TooLarge:
    return TooLarge(message, extra=ImportReport().model_dump())


def _invalid(report: ImportReport) -> InvalidInput:
    count = len(report.errors)
    first = report.errors[0]
    where = f"row {first.row}" if first.row else "the file"
    more = f" (and {count - 1} more)" if count > 1 else ""
    return InvalidInput(
        f"nothing was imported: {where}: {first.message}{more}", ErrorCode.IMPORT_INVALID, extra=report.model_dump()
    )


def _wanted(row: CsvRow, existing: repository.ExistingResident | None, today: date) -> dict[str, object]:
    """The values the row asks for: a new resident gets the defaults, an existing one keeps what the file omits."""
    values: dict[str, object] = {"name": row.name, "email": row.email}
    optional: dict[str, object] = {"diet": row.diet, "active_from": row.active_from, "active_to": row.active_to}
    optional |= {"room": row.room, "phone": row.phone, "allergens": row.allergens}
    for column, value in optional.items():
        if column not in row.present:
            if existing is None:
                values[column] = {"diet": "veg", "active_from": today, "allergens": []}.get(column)
            continue
        if value is None and column in ("diet", "active_from"):
            # An empty cell: the default for a new resident, the current value for an existing one.
            values[column] = ("veg" if column == "diet" else today) if existing is None else getattr(existing, column)
            continue
        values[column] = value
    return values


@dataclass
class RowPreview:
    """One data row as the preview table shows it."""

    row: int
    roll_no: str
    name: str
    outcome: str  # created, updated, unchanged, error
    message: str


@dataclass
class ImportPlan:
    mess_id: int
    report: ImportReport
    rows: list[RowPreview] = field(default_factory=list)
    creates: list[tuple[CsvRow, dict[str, object]]] = field(default_factory=list)
    updates: list[dict[str, object]] = field(default_factory=list)


_HUMAN = {"name": "name", "email": "email", "diet": "diet", "active_from": "from", "active_to": "until"}
_HUMAN |= {"room": "room", "phone": "phone", "allergens": "avoids"}


def _shown(value: object) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return "non-veg" if value == "non_veg" else str(value)


async def plan_import(
    session: AsyncSession, actor: Actor, content: bytes, now: datetime, *, mess_id: int | None = None
) -> ImportPlan:
    """What the file would do, row by row, without writing anything (TooLarge / ImportInvalid for a file that
    cannot be read at all)."""
    actor.require("warden", "admin")
    target = actor.mess_for(mess_id)
    mess = await load_mess(session, target)
    try:
        rows, problems = csv_rows.read_rows(content)
    except csv_rows.TooLarge as exc:
        raise too_large(str(exc)) from None
    except csv_rows.Unreadable as exc:
        raise _invalid(ImportReport(errors=[ImportProblem(row=0, message=str(exc))])) from None
    today = local_today(now, mess.timezone)
    keys = [row.roll_no.lower() for row in rows]
    existing = await repository.existing_by_roll_no(session, keys)
    logins = await repository.taken_logins(session, keys)
    plan = ImportPlan(target, ImportReport())
    for row in rows:
        key = row.roll_no.lower()
        found = existing.get(key)
        values = _wanted(row, found, today)
        start = values.get("active_from", found.active_from if found else None)
        end = values.get("active_to", found.active_to if found else None)

        def refuse(column: str, message: str, row: CsvRow = row) -> None:
            problems.append(ImportProblem(row=row.row, roll_no=row.roll_no, field=column, message=message))

        if isinstance(start, date) and isinstance(end, date) and end < start:
            refuse("active_to", f"the stay would end on {end:%d %b %Y}, before it starts on {start:%d %b %Y}")
        elif found is None and key in logins:
            refuse("roll_no", f"{row.roll_no} is already the sign-in name of a staff account")
        elif found is None:
            plan.creates.append((row, values))
            plan.rows.append(RowPreview(row.row, row.roll_no, row.name, "created", "new resident"))
        elif found.mess_id != target:
            refuse("roll_no", f"roll number {row.roll_no} belongs to a resident of another mess")
        else:
            changed = [c for c in values if getattr(found, c) != values[c]]
            if changed:
                plan.updates.append({"id": found.id, "user_id": found.user_id, **values})
                what = "; ".join(f"{_HUMAN[c]}: {_shown(getattr(found, c))} → {_shown(values[c])}" for c in changed)
                plan.rows.append(RowPreview(row.row, row.roll_no, row.name, "updated", what))
            else:
                plan.rows.append(RowPreview(row.row, row.roll_no, row.name, "unchanged", "no change"))
    plan.report = ImportReport(
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=sum(1 for r in plan.rows if r.outcome == "unchanged"),
        errors=sorted(problems, key=lambda p: p.row),
    )
    for problem in problems:
        plan.rows.append(RowPreview(problem.row, problem.roll_no or "", "", "error", problem.message))
    plan.rows.sort(key=lambda r: r.row)
    return plan


async def import_residents(
    session: AsyncSession,
    actor: Actor,
    content: bytes,
    now: datetime,
    *,
    mess_id: int | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Plan, then (unless a dry run) write it all; any bad row -> ImportInvalid and nothing written."""
    plan = await plan_import(session, actor, content, now, mess_id=mess_id)
    if plan.report.errors:
        raise _invalid(plan.report)
    if dry_run:
        return ImportOutcome(plan.report, [])
    creates = [(row.roll_no, values) for row, values in plan.creates]
    created_user_ids = await repository.insert_residents(session, plan.mess_id, creates, now)
    await repository.update_residents(session, plan.updates)
    return ImportOutcome(plan.report, created_user_ids)
