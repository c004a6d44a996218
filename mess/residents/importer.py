"""Resident import: upsert a mess's residents by roll number from the hostel office's CSV, all or nothing.

Set-based: the existing residents and logins are read in a few chunked queries, every row is classified in
Python, then the new accounts and residents are inserted and the changed ones updated in batches (no round trip
per row). Any bad row -> ImportInvalid with the whole report, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
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
FIELDS = ("name", "email", "diet", "active_from", "active_to", "room", "phone")


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
    optional = {"diet": row.diet, "active_from": row.active_from, "active_to": row.active_to}
    optional |= {"room": row.room, "phone": row.phone}
    for column, value in optional.items():
        if column not in row.present:
            if existing is None:
                values[column] = {"diet": "veg", "active_from": today}.get(column)
            continue
        if value is None and column in ("diet", "active_from"):
            # An empty cell: the default for a new resident, the current value for an existing one.
            values[column] = ("veg" if column == "diet" else today) if existing is None else getattr(existing, column)
            continue
        values[column] = value
    return values


async def import_residents(
    session: AsyncSession,
    actor: Actor,
    content: bytes,
    now: datetime,
    *,
    mess_id: int | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
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
    creates: list[tuple[CsvRow, dict[str, object]]] = []
    updates: list[dict[str, object]] = []
    unchanged = 0
    for row in rows:
        key = row.roll_no.lower()
        found = existing.get(key)
        values = _wanted(row, found, today)
        start = values.get("active_from", found.active_from if found else None)
        end = values.get("active_to", found.active_to if found else None)
        if isinstance(start, date) and isinstance(end, date) and end < start:
            problems.append(
                ImportProblem(
                    row=row.row,
                    roll_no=row.roll_no,
                    field="active_to",
                    message=f"the stay would end on {end:%d %b %Y}, before it starts on {start:%d %b %Y}",
                )
            )
            continue
        if found is None:
            if key in logins:
                problems.append(
                    ImportProblem(
                        row=row.row,
                        roll_no=row.roll_no,
                        field="roll_no",
                        message=f"{row.roll_no} is already the sign-in name of a staff account",
                    )
                )
                continue
            creates.append((row, values))
        elif found.mess_id != target:
            problems.append(
                ImportProblem(
                    row=row.row,
                    roll_no=row.roll_no,
                    field="roll_no",
                    message=f"roll number {row.roll_no} belongs to a resident of another mess",
                )
            )
        elif any(getattr(found, column) != values[column] for column in values):
            updates.append({"id": found.id, "user_id": found.user_id, **values})
        else:
            unchanged += 1
    report = ImportReport(created=len(creates), updated=len(updates), unchanged=unchanged)
    if problems:
        report.errors = sorted(problems, key=lambda p: p.row)
        raise _invalid(report)
    if dry_run:
        return ImportOutcome(report, [])
    created_user_ids = await repository.insert_residents(
        session, target, [(row.roll_no, values) for row, values in creates], now
    )
    await repository.update_residents(session, updates)
    return ImportOutcome(report, created_user_ids)
